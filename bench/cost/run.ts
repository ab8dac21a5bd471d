import { availableParallelism, loadavg } from "node:os";
import { DEV_SECRETS } from "../../local/dev-defaults";
import type { CostCase } from "./cases";
import { DynamoDbMeter } from "./dynamodb-meter";
import { floorUsage } from "./floor";
import { handlerLogs } from "./handler-logs";
import { openLocalStores } from "./local-stores";
import type { ObservedExchange } from "./meter-proxy";
import { type MeteredPipeline, startMeteredPipeline } from "./metered-pipeline";
import { pipelineEnvironment } from "./pipeline-env";
import { PRICES } from "./prices";
import { type ComponentCosts, pricePerMillion } from "./pricing";
import { ReceivePause } from "./receive-pause";
import { sendWebhooks, waitForDeliveries } from "./send";
import { meterSqs } from "./sqs-meter";
import { functionNamed, ingestFunctionFor, type StackFacts, synthesizeStackFacts } from "./stack-facts";
import { StorageWatch } from "./stored-bytes";
import { type Counts, countsSince, Tally } from "./tally";
import { type CaseMeasurement, type CaseUsage, caseUsage, deployedLengths, type Traffic } from "./usage";

export interface CostRunOptions {
  events: number;
  cases: readonly CostCase[];
  traffic: Traffic;
  log: (line: string) => void;
}

export interface CaseResult {
  name: string;
  label: string;
  measurement: CaseMeasurement;
  result: CaseUsage;
  costs: ComponentCosts;
  floor: ComponentCosts;
}

export interface CostRun {
  facts: StackFacts;
  settings: { batchSize: number; batchWindowMs: number; routerConcurrency: number };
  notes: string[];
  cases: CaseResult[];
  /** The machine's one-minute load average when the run ended, and its CPUs: durations are shared-machine wall times. */
  machine: { load: number; cpus: number };
}

/** How long the pipeline must be idle (only empty receives) before a case counts as settled. */
const QUIET_MS = 1500;
const WARM_UP_BATCHES = 3;
const SECRETS = { slack: DEV_SECRETS.SLACK_SIGNING_SECRET, github: DEV_SECRETS.GITHUB_WEBHOOK_SECRET };

/** Synthesizes the stack, runs every case through the metered local pipeline and prices it. */
export async function runCost(options: CostRunOptions): Promise<CostRun> {
  const { log } = options;
  log("synthesizing the stack…");
  const facts = synthesizeStackFacts();
  const router = functionNamed(facts, facts.router.logicalId);
  const ingestOf = (c: CostCase) => ingestFunctionFor(facts, c.provider);
  const notes: string[] = [];
  const settings = {
    batchSize: facts.router.batchSize,
    batchWindowMs: facts.router.batchWindowSeconds * 1000,
    // One poller, so every batch fills to the batch size as it does at steady load.
    routerConcurrency: 1,
  };
  const environment = pipelineEnvironment([...options.cases.map(ingestOf), router], notes);

  const tally = new Tally();
  let lastActivity = Date.now();
  let dynamodb: DynamoDbMeter | undefined;
  const meterErrors: string[] = [];
  const metered = (meter: (exchange: ObservedExchange) => void) => (exchange: ObservedExchange) => {
    try {
      meter(exchange);
    } catch (error) {
      meterErrors.push((error as Error).message);
    }
  };
  const receives = new ReceivePause();
  log("starting the local pipeline…");
  const pipeline: MeteredPipeline = await startMeteredPipeline({
    args: [
      "--batch-size",
      String(settings.batchSize),
      "--batch-window-ms",
      String(settings.batchWindowMs),
      "--router-concurrency",
      String(settings.routerConcurrency),
    ],
    env: environment,
    sqsGate: receives.gate,
    onSqs: metered((exchange) => {
      if (meterSqs(exchange, tally)) lastActivity = Date.now();
    }),
    onDynamoDb: metered((exchange) => {
      if (!dynamodb) throw new Error("a DynamoDB call came before the pipeline had described itself");
      dynamodb.observe(exchange);
      lastActivity = Date.now();
    }),
  });
  try {
    const stores = await openLocalStores(pipeline.description, facts.tables);
    dynamodb = new DynamoDbMeter(tally, stores.tables, stores.getItem);
    const storage = new StorageWatch(stores, facts.payloadExpirationDays);
    await storage.newSinceLastLook();

    /** Sends `count` webhooks and waits until each is delivered and the router is done with it. */
    const runBatch = async (costCase: CostCase, count: number) => {
      const before = tally.snapshot();
      receives.pause();
      const sent = await sendWebhooks(pipeline.description.apiUrl, costCase, SECRETS, count).finally(
        receives.resume,
      );
      await waitForDeliveries(pipeline.description.agentUrl, sent.ids, 120_000);
      const deadline = Date.now() + 60_000;
      const deleted = (counts: Counts) => counts["sqs.deleted"] ?? 0;
      while (deleted(countsSince(before, tally.snapshot())) < count || Date.now() - lastActivity < QUIET_MS) {
        if (Date.now() > deadline)
          throw new Error(`${costCase.name}: the router did not finish its messages`);
        await new Promise((r) => setTimeout(r, 100));
      }
      await dynamodb!.settled();
      return { sent, counts: countsSince(before, tally.snapshot()) };
    };

    const cases: CaseResult[] = [];
    for (const costCase of options.cases) {
      const ingest = ingestOf(costCase);
      // Cold starts, first connections and the JIT's first passes are rare at steady load: not measured.
      log(`${costCase.label}: warming up with ${WARM_UP_BATCHES * settings.batchSize} webhooks…`);
      await runBatch(costCase, WARM_UP_BATCHES * settings.batchSize);
      await storage.newSinceLastLook();
      log(`${costCase.label}: ${options.events} webhooks…`);
      const from = pipeline.output().length;
      const { sent, counts } = await runBatch(costCase, options.events);
      const measurement: CaseMeasurement = {
        events: options.events,
        bodyBytes: sent.bodyBytes,
        response: sent.response,
        counts,
        logs: handlerLogs(pipeline.output().slice(from), deployedLengths(ingest, router)),
        stored: await storage.newSinceLastLook(),
      };
      if (meterErrors.length > 0) throw new Error(`the meters could not count a call: ${meterErrors[0]}`);
      const timed = measurement.logs.timings;
      const ingested = timed.filter((t) => t.fn === "ingest").length;
      const routed = timed.reduce((sum, t) => sum + (t.records ?? 0), 0);
      if (ingested !== options.events || routed !== options.events) {
        notes.push(
          `${costCase.label}: ${ingested} ingest invocations and ${routed} routed records timed for ${options.events} webhooks (retries?)`,
        );
      }
      const result = caseUsage(measurement, facts, ingest, router, options.traffic);
      cases.push({
        name: costCase.name,
        label: costCase.label,
        measurement,
        result,
        costs: pricePerMillion(result.usage, PRICES),
        floor: pricePerMillion(
          floorUsage({ bodyBytes: sent.bodyBytes, ingest, router, batchSize: settings.batchSize }),
          PRICES,
        ),
      });
    }
    return {
      facts,
      settings,
      notes,
      cases,
      machine: { load: loadavg()[0]!, cpus: availableParallelism() },
    };
  } finally {
    await pipeline.stop();
  }
}
