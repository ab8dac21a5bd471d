import { availableParallelism, loadavg } from "node:os";
import { DEV_SECRETS } from "../../local/dev-defaults";
import type { CostCase } from "./cases";
import { DynamoDbMeter } from "./dynamodb-meter";
import { floorUsage } from "./floor";
import { handlerLogs } from "./handler-logs";
import { openLocalStores } from "./local-stores";
import type { ObservedExchange } from "./meter-proxy";
import { type MeteredPipeline, startMeteredPipeline } from "./metered-pipeline";
import { PRICES } from "./prices";
import { type ComponentCosts, pricePerMillion } from "./pricing";
import { sendWebhooks, waitForDeliveries } from "./send";
import { meterSqs } from "./sqs-meter";
import {
  type FunctionFacts,
  functionNamed,
  ingestFunctionFor,
  type StackFacts,
  synthesizeStackFacts,
} from "./stack-facts";
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
  environment: Record<string, string>;
  notes: string[];
  cases: CaseResult[];
  /** The machine's one-minute load average when the run ended, and its CPUs: durations are shared-machine wall times. */
  machine: { load: number; cpus: number };
}

/** Variables the local pipeline sets itself, or that would point the local handlers at AWS. */
const NOT_COPIED = new Set(["PROVIDER", "NODE_OPTIONS", "SLACK_API_URL", "AGENT_URL", "MAX_RECEIVE_COUNT"]);
/** How long the pipeline must be idle (only empty receives) before a case counts as settled. */
const QUIET_MS = 1500;
const WARM_UP_BATCHES = 3;
const SECRETS = { slack: DEV_SECRETS.SLACK_SIGNING_SECRET, github: DEV_SECRETS.GITHUB_WEBHOOK_SECRET };

/**
 * The handlers' configuration as the template gives it (log level, metrics, limits), so the local
 * pipeline logs and decides as the deployed functions would; the development secrets to sign with;
 * and the trace id Lambda sets when tracing is active (Powertools adds it to every log line).
 */
function pipelineEnvironment(functions: FunctionFacts[], notes: string[]): Record<string, string> {
  const env: Record<string, string> = {
    ...DEV_SECRETS,
    AGENT_URL: "",
    SLACK_API_URL: "",
    POWERTOOLS_DEV: "false",
    POWERTOOLS_LOG_LEVEL: "INFO",
    POWERTOOLS_METRICS_DISABLED: "false",
  };
  const from = new Map<string, string>();
  for (const fn of functions) {
    for (const [name, value] of Object.entries(fn.env)) {
      if (NOT_COPIED.has(name)) continue;
      if (from.has(name) && env[name] !== value) {
        notes.push(
          `${name} differs between ${from.get(name)} and ${fn.logicalId}: the local run uses ${env[name]}`,
        );
        continue;
      }
      env[name] = value;
      from.set(name, fn.logicalId);
    }
    if (fn.applicationLogLevel) env.AWS_LAMBDA_LOG_LEVEL = fn.applicationLogLevel;
  }
  if (functions.some((fn) => fn.tracing === "Active")) {
    env._X_AMZN_TRACE_ID = "Root=1-674cf3a1-5c1d2e3f4a5b6c7d8e9f0a1b;Parent=3c2b1a0f9e8d7c6b;Sampled=1";
  }
  return env;
}

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
  // While a case's webhooks are sent, the event source's receives wait: ingest and the router then
  // do not share the one local process's CPU, as they share nothing in AWS, and every batch fills.
  let paused: { until: Promise<void>; resume(): void } | undefined;
  const pauseReceives = () => {
    let resume!: () => void;
    const until = new Promise<void>((r) => {
      resume = r;
    });
    paused = { until, resume };
  };
  const resumeReceives = () => {
    paused?.resume();
    paused = undefined;
  };
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
    sqsGate: async (headers) => {
      if (paused && String(headers["x-amz-target"]).endsWith(".ReceiveMessage")) await paused.until;
    },
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
      pauseReceives();
      const sent = await sendWebhooks(pipeline.description.apiUrl, costCase, SECRETS, count).finally(
        resumeReceives,
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
      environment,
      notes,
      cases,
      machine: { load: loadavg()[0]!, cpus: availableParallelism() },
    };
  } finally {
    await pipeline.stop();
  }
}
