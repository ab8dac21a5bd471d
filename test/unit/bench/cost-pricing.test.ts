import { describe, expect, it } from "vitest";
import { FLOOR, floorUsage } from "../../../bench/cost/floor";
import { handlerLogs } from "../../../bench/cost/handler-logs";
import { accessLogBytes } from "../../../bench/cost/platform-logs";
import { GB, PRICES } from "../../../bench/cost/prices";
import { COMPONENTS, gbSeconds, pricePerMillion, totalOf, type Usage } from "../../../bench/cost/pricing";
import type { FunctionFacts, LogClass, StackFacts } from "../../../bench/cost/stack-facts";
import { nothingStored } from "../../../bench/cost/stored-bytes";
import { type CaseMeasurement, caseUsage } from "../../../bench/cost/usage";
import { LAMBDA_ACTIVE_SAMPLING, sampledFraction, tracedShare } from "../../../bench/cost/xray-sampling";

const none: Usage = {
  apiRequests: 0,
  lambdaRequests: 0,
  lambdaGbSeconds: { arm64: 0, x86_64: 0 },
  sqsRequests: 0,
  dynamodbWriteUnits: 0,
  dynamodbReadUnits: 0,
  dynamodbStorageByteMonths: 0,
  pitrByteMonths: 0,
  s3Puts: 0,
  s3Gets: 0,
  s3StorageByteMonths: 0,
  logIngestBytes: { STANDARD: 0, INFREQUENT_ACCESS: 0 },
  logStorageByteMonths: 0,
  xrayTraces: 0,
  secretsManagerCalls: 0,
};

const fn = (memoryMb: number, architecture: "arm64" | "x86_64" = "arm64"): FunctionFacts => ({
  logicalId: "Fn",
  memoryMb,
  architecture,
  tracing: "Active",
  logFormat: "Text",
  logClass: "STANDARD",
  env: {},
  secrets: 0,
});

describe("pricing per million webhooks", () => {
  it("prices each unit at its list price, times a million", () => {
    const costs = pricePerMillion(
      {
        ...none,
        apiRequests: 1,
        lambdaRequests: 1.1,
        sqsRequests: 1.2,
        dynamodbWriteUnits: 3,
        xrayTraces: 1,
      },
      PRICES,
    );
    expect(costs["API Gateway"]).toBeCloseTo(1.0, 10);
    expect(costs["Lambda requests"]).toBeCloseTo(0.22, 10);
    expect(costs.SQS).toBeCloseTo(0.48, 10);
    expect(costs["DynamoDB writes"]).toBeCloseTo(1.875, 10);
    expect(costs["X-Ray"]).toBeCloseTo(5.0, 10);
    expect(totalOf(costs)).toBeCloseTo(1 + 0.22 + 0.48 + 1.875 + 5, 10);
  });

  it("prices bytes per binary GB, and compute per architecture", () => {
    const costs = pricePerMillion(
      {
        ...none,
        // 1 KiB of logs per webhook: a million of them is 1,000,000 / 1,048,576 GB.
        logIngestBytes: { STANDARD: 1024, INFREQUENT_ACCESS: 0 },
        dynamodbStorageByteMonths: GB / 1e6,
        pitrByteMonths: GB / 1e6,
        lambdaGbSeconds: { arm64: 1 / 1e6, x86_64: 1 / 1e6 },
      },
      PRICES,
    );
    expect(costs["CloudWatch Logs"]).toBeCloseTo((1e6 / 1024 ** 2) * 0.5, 10);
    expect(costs["DynamoDB storage + PITR"]).toBeCloseTo(0.25 + 0.2, 10);
    expect(costs["Lambda compute"]).toBeCloseTo(0.0000133334 + 0.0000166667, 12);
  });

  it("prices each log byte at its log group's class: Infrequent Access ingestion at half Standard's", () => {
    const gbPerMillion = 1e6 / 1024 ** 2;
    const logs = (STANDARD: number, INFREQUENT_ACCESS: number) =>
      pricePerMillion({ ...none, logIngestBytes: { STANDARD, INFREQUENT_ACCESS } }, PRICES)[
        "CloudWatch Logs"
      ];
    expect(PRICES.logsIngestInfrequentAccessGb.usd).toBe(0.25);
    expect(logs(0, 1024)).toBeCloseTo(gbPerMillion * 0.25, 10);
    expect(logs(1024, 0)).toBeCloseTo(gbPerMillion * 0.5, 10);
    expect(logs(1024, 1024)).toBeCloseTo(gbPerMillion * 0.75, 10);
    // Storage is one price whatever the class.
    const stored = pricePerMillion({ ...none, logStorageByteMonths: 1024 }, PRICES)["CloudWatch Logs"];
    expect(stored).toBeCloseTo(gbPerMillion * 0.03, 10);
  });

  it("has a row for every component, and none for nothing", () => {
    const costs = pricePerMillion(none, PRICES);
    expect(Object.keys(costs).sort()).toEqual([...COMPONENTS].sort());
    expect(totalOf(costs)).toBe(0);
  });

  it("bills each invocation's duration rounded up to the millisecond", () => {
    expect(gbSeconds(512, 10.2)).toBeCloseTo(0.5 * 0.011, 12);
    expect(gbSeconds(256, 3)).toBeCloseTo(0.25 * 0.003, 12);
  });
});

describe("the floor", () => {
  it("is issue 14's floor, about $3.30 for a 1 KB event, from the same price table", () => {
    const usage = floorUsage({ bodyBytes: 1_100, ingest: fn(256), router: fn(512), batchSize: 10 });
    expect(usage.lambdaRequests).toBeCloseTo(1.1, 10);
    // The send, plus a tenth of one receive and one delete.
    expect(usage.sqsRequests).toBeCloseTo(1.2, 10);
    expect(usage.dynamodbWriteUnits).toBe(FLOOR.dynamodbWrites);
    const total = totalOf(pricePerMillion(usage, PRICES));
    expect(total).toBeGreaterThan(3.2);
    expect(total).toBeLessThan(3.35);
  });

  it("pays for the 64 KB chunks a batch of large messages is received in", () => {
    const usage = floorUsage({ bodyBytes: 26_000, ingest: fn(256), router: fn(512), batchSize: 10 });
    // 260,000 bytes received in 4 chunks of 64 KiB, plus the delete, per 10 events.
    expect(usage.sqsRequests).toBeCloseTo(1 + 4 / 10 + 1 / 10, 10);
  });
});

const passThrough = (logicalId: string, env: Record<string, string> = {}): FunctionFacts => ({
  ...fn(256),
  logicalId,
  tracing: "PassThrough",
  env,
});

/** A case's usage from these invocation timings alone (100 webhooks, nothing stored or logged). */
function usageOf(timings: CaseMeasurement["logs"]["timings"], ingest: FunctionFacts, router: FunctionFacts) {
  const measurement: CaseMeasurement = {
    events: 100,
    bodyBytes: 1000,
    response: { status: 200, bytes: 60, userAgent: "ua", path: "/webhooks/slack/events" },
    counts: {},
    logs: { ...handlerLogs("", { ingest: 50, router: 50 }), timings },
    stored: nothingStored(),
  };
  const facts = { functions: [ingest, router], tables: [], samplingRules: [] } as unknown as StackFacts;
  return caseUsage(measurement, facts, ingest, router, { webhooksPerMonth: 1_000_000 });
}

describe("X-Ray sampling", () => {
  it("records nearly every request of a trickle and about 5 % of a flood under Lambda's fixed rate", () => {
    expect(sampledFraction(LAMBDA_ACTIVE_SAMPLING, 0.01)).toBeGreaterThan(0.99);
    // 1 - e^-λ reservoir hits plus 5 % of the rest, per request, at 0.4 requests per second.
    const lambda = 0.4;
    const reservoir = 1 - Math.exp(-lambda);
    expect(sampledFraction(LAMBDA_ACTIVE_SAMPLING, lambda)).toBeCloseTo(
      (reservoir + 0.05 * (lambda - reservoir)) / lambda,
      10,
    );
    expect(sampledFraction(LAMBDA_ACTIVE_SAMPLING, 1_000)).toBeCloseTo(0.05, 2);
    expect(sampledFraction({ reservoirPerSecond: 0, fixedRate: 0.01 }, 0.4)).toBeCloseTo(0.01, 10);
  });

  it("traces PassThrough functions only as far as an upstream decision goes: none of their own", () => {
    expect(tracedShare("PassThrough", 0.4)).toBe(0);
    expect(tracedShare("Active", 0.4)).toBeCloseTo(sampledFraction(LAMBDA_ACTIVE_SAMPLING, 0.4), 12);
  });

  it("counts a trace for each message ingest marks sampled, and the router batches that hold one", () => {
    const ingest = passThrough("Ingest", { TRACING_SAMPLE_RATE: "0.01" });
    const router = passThrough("Router");
    const timings = [
      ...Array.from({ length: 100 }, () => ({ fn: "ingest" as const, ms: 3 })),
      ...Array.from({ length: 10 }, () => ({ fn: "router" as const, ms: 30, records: 10 })),
    ];
    const traced = usageOf(timings, ingest, router);
    expect(traced.usage.xrayTraces).toBeCloseTo(0.01, 12);
    expect(traced.tracedShare.Router).toBeCloseTo(1 - 0.99 ** 10, 12);
    expect(traced.tracedShare.Ingest).toBe(0);
    expect(usageOf(timings, passThrough("Ingest"), router).usage.xrayTraces).toBe(0);
  });
});

describe("Lambda compute", () => {
  it("is priced at the median duration, with the 10th percentile beside it", () => {
    const ingest = passThrough("Ingest");
    const router = passThrough("Router");
    // Ingest takes 1..100 ms; one router invocation of 10 records per 10 webhooks, 100 ms each.
    const timings = [
      ...Array.from({ length: 100 }, (_, i) => ({ fn: "ingest" as const, ms: i + 0.5 })),
      ...Array.from({ length: 10 }, () => ({ fn: "router" as const, ms: 100, records: 10 })),
    ];
    const { usage, computeAtP10 } = usageOf(timings, ingest, router);
    const routerShare = gbSeconds(256, 100) / 10;
    expect(usage.lambdaGbSeconds.arm64).toBeCloseTo(gbSeconds(256, 51) + routerShare, 12);
    expect(computeAtP10.arm64).toBeCloseTo(gbSeconds(256, 11) + routerShare, 12);
  });
});

describe("Secrets Manager calls", () => {
  const withSecrets = (logicalId: string, secrets: number, cacheSeconds?: string): FunctionFacts => ({
    ...passThrough(logicalId, cacheSeconds === undefined ? {} : { SECRETS_CACHE_SECONDS: cacheSeconds }),
    secrets,
  });
  const timings = [
    ...Array.from({ length: 100 }, () => ({ fn: "ingest" as const, ms: 3 })),
    ...Array.from({ length: 10 }, () => ({ fn: "router" as const, ms: 30, records: 10 })),
  ];
  const MONTH = 30 * 86_400;

  it("re-reads each declared secret once per cache age of its own function, in one warm environment", () => {
    const { usage } = usageOf(timings, withSecrets("Ingest", 1, "3600"), withSecrets("Router", 2, "900"));
    expect(usage.secretsManagerCalls).toBeCloseTo((MONTH / 3600 + (2 * MONTH) / 900) / 1_000_000, 12);
  });

  it("takes the reader's default age when the template sets none", () => {
    const { usage } = usageOf(timings, withSecrets("Ingest", 1), withSecrets("Router", 0));
    expect(usage.secretsManagerCalls).toBeCloseTo(MONTH / 300 / 1_000_000, 12);
  });

  it("reads on every invocation, and no more often, with no cache", () => {
    const { usage } = usageOf(timings, withSecrets("Ingest", 1, "0"), withSecrets("Router", 2, "0"));
    // One ingest invocation per webhook, one router invocation per 10.
    expect(usage.secretsManagerCalls).toBeCloseTo(1 + (2 * 10) / 100, 12);
  });
});

describe("log bytes by log class", () => {
  const format = '{"correlation_id":"$context.requestId","status":"$context.status"}';
  const ingestLine = JSON.stringify({
    level: "INFO",
    message: "webhook accepted",
    function_name: "webhook-ingest",
  });
  const routerLine = JSON.stringify({ level: "INFO", message: "delivered", function_name: "webhook-router" });

  /** Ten webhooks: an ingest line each, one router line, and the access log in `accessLogClass`. */
  function logBytesWith(accessLogClass: LogClass, routerClass: LogClass = "STANDARD") {
    const ingest = { ...passThrough("Ingest"), logFormat: "JSON" as const, systemLogLevel: "WARN" };
    const router = {
      ...passThrough("Router"),
      logFormat: "JSON" as const,
      systemLogLevel: "WARN",
      logClass: routerClass,
    };
    const output = [...Array.from({ length: 10 }, () => ingestLine), routerLine, ""].join("\n");
    const measurement: CaseMeasurement = {
      events: 10,
      bodyBytes: 1000,
      response: { status: 200, bytes: 60, userAgent: "ua", path: "/webhooks/slack/events" },
      counts: {},
      logs: handlerLogs(output, { ingest: "webhook-ingest".length, router: "webhook-router".length }),
      stored: nothingStored(),
    };
    const facts = {
      functions: [ingest, router],
      tables: [],
      samplingRules: [],
      accessLog: { format, logClass: accessLogClass },
    } as unknown as StackFacts;
    return caseUsage(measurement, facts, ingest, router, { webhooksPerMonth: 1_000_000 }).usage
      .logIngestBytes;
  }

  const accessLine = accessLogBytes(format, {
    path: "/webhooks/slack/events",
    status: 200,
    responseBytes: 60,
    userAgent: "ua",
  });
  const ingestBytes = Buffer.byteLength(ingestLine) + 1;
  const routerBytes = (Buffer.byteLength(routerLine) + 1) / 10;

  it("puts the access log line in its group's class and the functions' lines in theirs", () => {
    expect(logBytesWith("INFREQUENT_ACCESS")).toEqual({
      STANDARD: ingestBytes + routerBytes,
      INFREQUENT_ACCESS: accessLine,
    });
    expect(logBytesWith("STANDARD")).toEqual({
      STANDARD: ingestBytes + routerBytes + accessLine,
      INFREQUENT_ACCESS: 0,
    });
  });

  it("follows a function's log group into Infrequent Access too", () => {
    expect(logBytesWith("INFREQUENT_ACCESS", "INFREQUENT_ACCESS")).toEqual({
      STANDARD: ingestBytes,
      INFREQUENT_ACCESS: accessLine + routerBytes,
    });
  });
});
