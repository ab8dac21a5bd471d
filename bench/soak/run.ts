import { writeFileSync } from "node:fs";
import { monitorEventLoopDelay } from "node:perf_hooks";
import { PipelineState } from "./collect";
import { DeferralWatch } from "./deferrals";
import { FaultInjector, planFaults } from "./faults";
import { BREAKER_RECOVERY_SECONDS, startSoakHarness } from "./harness";
import { planMix } from "./mix-plan";
import type { SoakOptions } from "./options";
import { seededRandom } from "./random";
import { reconcile } from "./reconcile";
import { formatReport } from "./report";
import { QueueWatch, sendAll } from "./send-all";
import { WebhookSender } from "./sender";
import { SAME_ID_SOURCES, SOAK_SECRETS } from "./teams";
import { WebhookMix } from "./webhooks";

/** The agent runs in this process: it may see a request this much after the router sent it. */
const AGENT_LAG_MS = 1_000;

const log = (line: string) => console.error(`[soak ${new Date().toISOString().slice(11, 19)}] ${line}`);

/** Runs the soak once: start, send while breaking things, drain, reconcile, report. Exit code out. */
export async function runSoak(options: SoakOptions, command: string): Promise<number> {
  // One stream each, so that changing a fault rate does not reshuffle the webhooks, and so on.
  const [mixRandom, faultRandom, agentRandom, senderRandom, brokenRandom] = [0, 1, 2, 3, 4].map((i) =>
    seededRandom(options.seed * 8 + i),
  ) as [() => number, () => number, () => number, () => number, () => number];
  log(`seed ${options.seed}; starting the pipeline (router in its own process, faults wired in)…`);
  const harness = await startSoakHarness(options, agentRandom);
  // Interrupted: the pipeline runs in its own process group, so it is stopped here, not left behind.
  const interrupted = () => {
    log("interrupted: stopping the pipeline");
    harness.stop().finally(() => process.exit(130));
  };
  process.once("SIGINT", interrupted);
  process.once("SIGTERM", interrupted);
  // The agent and the proxies answer from this process: a busy event loop delays their answers.
  const loopDelay = monitorEventLoopDelay({ resolution: 20 });
  loopDelay.enable();
  const state = new PipelineState(harness.description);
  const queue = new QueueWatch(state);
  const deferrals = new DeferralWatch(state);
  let progress: NodeJS.Timeout | undefined;
  const injector = new FaultInjector(planFaults(options.faults, faultRandom), harness, log);
  try {
    const sender = new WebhookSender(
      harness.description.apiUrl,
      options.concurrency,
      options.sendAttempts,
      senderRandom,
    );
    const plan = planMix(options.mix, options.events, SAME_ID_SOURCES.length, mixRandom, brokenRandom);
    const mix = new WebhookMix(
      SOAK_SECRETS,
      plan,
      // Three queue messages' worth: stored in S3 by ingest, read back by the router.
      { largePayloadBytes: 3 * options.maxMessageBytes, sendBrokenTeam: options.sendBrokenTeam },
      mixRandom,
    );
    let sent = 0;
    progress = setInterval(() => {
      const accepted = harness.agent.records.filter((r) => r.status < 300).length;
      log(
        `sent ${sent}/${options.events}; agent accepted ${accepted}; queue ${queue.waiting} waiting, ${queue.all} in all`,
      );
    }, 10_000);
    const started = Date.now();
    const results = await sendAll(options, { sender, mix, injector, queue }, (n) => {
      sent = n;
    });
    await injector.settled();
    const sendSeconds = (Date.now() - started) / 1000;
    log(`sent ${results.length} webhooks in ${sendSeconds.toFixed(1)} s; waiting for the queue to drain…`);
    const drainStarted = Date.now();
    // The broken team's events may stay on the queue until they are dead; nothing else may.
    const brokenEvents = results
      .filter((r) => r.webhook.cls === "broken-team" && r.outcome === "accepted")
      .reduce((sum, r) => sum + r.webhook.events.length, 0);
    const drained = await state.drained(options.drainTimeoutSeconds * 1000, brokenEvents);
    const drainSeconds = (Date.now() - drainStarted) / 1000;
    await deferrals.stop();
    const [deadLetters, outcomes] = await Promise.all([state.deadLetters(), state.outcomes()]);
    const reconciliation = reconcile({
      sends: results,
      agent: harness.agent.records,
      agentUnverified: harness.agent.unverified,
      outcomes,
      deadLetters,
      crashes: injector.injected.filter((f) => f.kind === "router-crash").map((f) => f.startedAt),
      routerTimeoutMs: options.router.timeoutSeconds * 1000,
      agentLagMs: AGENT_LAG_MS,
      deferrals: deferrals.deferrals,
      isolation: {
        healthyDestination: new URL(harness.agent.url).host,
        brokenDestination: harness.brokenTeam.destination,
        healthyOutages: injector.injected.filter((f) => f.kind === "agent-down"),
        breakerRecoveryMs: BREAKER_RECOVERY_SECONDS * 1000,
      },
    });
    console.log(
      formatReport(reconciliation, {
        command,
        sendSeconds,
        drainSeconds,
        drained,
        loopDelayMs: { p99: loopDelay.percentile(99) / 1e6, max: loopDelay.max / 1e6 },
        injected: injector.injected,
        proxies: { dynamodb: harness.dynamodb.proxy, sqs: harness.sqs.proxy },
        brokenTeamSent: options.sendBrokenTeam,
      }),
    );
    return reconciliation.problems.length === 0 ? 0 : 1;
  } finally {
    clearInterval(progress);
    loopDelay.disable();
    queue.stop();
    await deferrals.stop();
    process.off("SIGINT", interrupted);
    process.off("SIGTERM", interrupted);
    if (options.logFile) {
      writeFileSync(options.logFile, harness.output());
      const records = harness.agent.records.map((r) => JSON.stringify(r)).join("\n");
      writeFileSync(`${options.logFile}.agent.jsonl`, records);
      writeFileSync(`${options.logFile}.faults.json`, JSON.stringify(injector.injected, null, 1));
      const deferred = deferrals.deferrals.map((d) => JSON.stringify(d)).join("\n");
      writeFileSync(`${options.logFile}.deferrals.jsonl`, deferred);
    }
    await harness.stop();
  }
}
