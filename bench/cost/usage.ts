import { DEFAULT_SECRETS_CACHE_SECONDS } from "../../shared/secrets/secret-reader";
import { deployedNameLength, type HandlerLogs } from "./handler-logs";
import { accessLogBytes, platformBytesPerInvocation } from "./platform-logs";
import { gbSeconds, type Usage } from "./pricing";
import type { FunctionFacts, StackFacts } from "./stack-facts";
import type { StoredBytes } from "./stored-bytes";
import { type Counts, sumOf, withPrefix } from "./tally";
import { tracedShare as tracedShareOf } from "./xray-sampling";

/** What one case made the local pipeline do, measured once it had settled. */
export interface CaseMeasurement {
  events: number;
  bodyBytes: number;
  /** The ingest function's answer, for the access log line's `responseLength`. */
  response: { status: number; bytes: number; userAgent: string; path: string };
  /** The proxies' counts (`sqs…`, `ddb…`) for this case. */
  counts: Counts;
  logs: HandlerLogs;
  stored: StoredBytes;
}

/** The traffic assumed for the figures that depend on it (X-Ray's reservoir, secret refreshes). */
export interface Traffic {
  webhooksPerMonth: number;
}

/** The stack name test/infra/synth-pipeline.ts synthesizes (deployed function names start with it). */
const STACK_NAME = "WebhookPipeline";
const SECONDS_PER_MONTH = 30 * 86_400;
const API_METERING_BYTES = 512 * 1024;

/** Per-invocation figures of one function in a case. */
export interface FunctionUse {
  fn: FunctionFacts;
  invocations: number;
  /** Billed milliseconds (each invocation rounded up) at the 10th, 50th and 90th percentile. */
  billedMs: { p10: number; p50: number; p90: number };
  /** Records the invocations handled (router: batch sizes summed; ingest: one a request). */
  records: number;
}

export interface CaseUsage {
  usage: Usage;
  functions: { ingest: FunctionUse; router: FunctionUse };
  /** Log bytes per event by where they come from. */
  logBytes: { handlers: number; platform: number; accessLog: number };
  tracedShare: Record<string, number>;
  /** GB-seconds per webhook at each function's 10th-percentile duration (less of a loaded machine's delays). */
  computeAtP10: Usage["lambdaGbSeconds"];
}

function functionUse(fn: FunctionFacts, timings: { ms: number; records?: number }[]): FunctionUse {
  const billed = timings.map((t) => Math.ceil(t.ms)).sort((a, b) => a - b);
  const at = (q: number) => billed[Math.min(billed.length - 1, Math.floor(q * billed.length))] ?? 0;
  return {
    fn,
    invocations: timings.length,
    billedMs: { p10: at(0.1), p50: at(0.5), p90: at(0.9) },
    records: timings.reduce((sum, t) => sum + (t.records ?? 1), 0),
  };
}

/**
 * The traces ingest starts for TRACING_SAMPLE_RATE of its queued events (functions/ingest/
 * sampled-traces.ts): each marked message carries a new trace marked sampled, which the router's
 * invocation records. Which trace Lambda records an invocation under when its batch holds several
 * marked messages is undocumented, so each marked message counts as a trace of its own (an upper
 * bound, one event per webhook); the router's share is the invocations whose batch holds one.
 */
export function markedTraces(ingest: FunctionFacts, router: FunctionUse) {
  const rate = Number(ingest.env.TRACING_SAMPLE_RATE ?? 0) || 0;
  const records = router.invocations > 0 ? router.records / router.invocations : 1;
  return { tracesPerWebhook: rate, routerShare: 1 - (1 - rate) ** records };
}

/**
 * Per-webhook usage from a case's measurement and the template: what the handlers did (measured)
 * plus what AWS adds around them (modelled from the template, see each term).
 */
export function caseUsage(
  m: CaseMeasurement,
  facts: StackFacts,
  ingestFn: FunctionFacts,
  routerFn: FunctionFacts,
  traffic: Traffic,
): CaseUsage {
  const n = m.events;
  const ingest = functionUse(
    ingestFn,
    m.logs.timings.filter((t) => t.fn === "ingest"),
  );
  const router = functionUse(
    routerFn,
    m.logs.timings.filter((t) => t.fn === "router"),
  );
  const fns = [ingest, router];

  // Priced at the median invocation: the local machine is shared, and its slowest invocations
  // measure other processes more than the handler. The 10th percentile is reported beside it.
  const computeAt = (quantile: "p10" | "p50") => {
    const compute = { arm64: 0, x86_64: 0 };
    for (const f of fns)
      compute[f.fn.architecture] += (gbSeconds(f.fn.memoryMb, f.billedMs[quantile]) * f.invocations) / n;
    return compute;
  };
  const compute = computeAt("p50");

  // Logs: the handlers' lines (measured), Lambda's own per invocation and the access log line (modelled).
  const platform = fns.reduce((sum, f) => sum + platformBytesPerInvocation(f.fn) * f.invocations, 0) / n;
  const accessLog = facts.accessLog
    ? accessLogBytes(facts.accessLog.format, {
        path: m.response.path,
        status: m.response.status,
        responseBytes: m.response.bytes,
        userAgent: m.response.userAgent,
      })
    : 0;
  const handlers = m.logs.deployedBytes / n;
  // Each function's lines (its own and Lambda's), for the whole case.
  const ingestLogBytes =
    m.logs.byFunction.ingest + platformBytesPerInvocation(ingest.fn) * ingest.invocations;
  const routerLogBytes =
    m.logs.byFunction.router + platformBytesPerInvocation(router.fn) * router.invocations;
  const days = (f: FunctionUse) => f.fn.logRetentionDays ?? 30;
  const longest = Math.max(days(ingest), days(router));
  const logStorageByteMonths =
    (ingestLogBytes * days(ingest) +
      routerLogBytes * days(router) +
      m.logs.byFunction.unattributed * longest +
      accessLog * n * (facts.accessLog?.retentionDays ?? 30)) /
    30 /
    n;
  // Ingestion is priced by each log group's class; a line no function could be told from at the
  // dearer class of the two (an upper bound).
  const logIngestBytes: Usage["logIngestBytes"] = { STANDARD: 0, INFREQUENT_ACCESS: 0 };
  const bothInfrequent =
    ingest.fn.logClass === "INFREQUENT_ACCESS" && router.fn.logClass === "INFREQUENT_ACCESS";
  logIngestBytes[ingest.fn.logClass] += ingestLogBytes / n;
  logIngestBytes[router.fn.logClass] += routerLogBytes / n;
  logIngestBytes[bothInfrequent ? "INFREQUENT_ACCESS" : "STANDARD"] += m.logs.byFunction.unattributed / n;
  if (facts.accessLog) logIngestBytes[facts.accessLog.logClass] += accessLog;

  // X-Ray: Lambda's own sampling of each Active function's invocations (see xray-sampling.ts), and
  // the traces ingest starts itself (see markedTraces).
  const tracedShare: Record<string, number> = {};
  let traces = 0;
  for (const f of fns) {
    const perSecond = ((f.invocations / n) * traffic.webhooksPerMonth) / SECONDS_PER_MONTH;
    const share = tracedShareOf(f.fn.tracing, perSecond);
    tracedShare[f.fn.logicalId] = share;
    traces += (f.invocations / n) * share;
  }
  const marked = markedTraces(ingestFn, router);
  traces += marked.tracesPerWebhook;
  tracedShare[routerFn.logicalId] = Math.max(tracedShare[routerFn.logicalId] ?? 0, marked.routerShare);

  // Secrets Manager: every secret a function declares, read again each time its cache expires
  // (SECRETS_CACHE_SECONDS, the function's own), in one warm execution environment per function
  // (steady low traffic needs no more), and never more often than the function is invoked (a cache
  // age of 0 reads on every invocation). Ingest's early re-read on a credential that does not verify
  // happens in none of these cases (every request is signed right).
  const readsPerWebhook = (f: FunctionUse) => {
    const cacheSeconds = Number(f.fn.env.SECRETS_CACHE_SECONDS ?? DEFAULT_SECRETS_CACHE_SECONDS);
    const expiries = SECONDS_PER_MONTH / cacheSeconds / traffic.webhooksPerMonth;
    return f.fn.secrets * Math.min(expiries, f.invocations / n);
  };
  const secretsCalls = fns.reduce((sum, f) => sum + readsPerWebhook(f), 0);

  const pitrTables = new Set(facts.tables.filter((t) => t.pitr).map((t) => t.logicalId));
  const stored = m.stored;
  const usage: Usage = {
    apiRequests: Math.max(1, Math.ceil(m.bodyBytes / API_METERING_BYTES)),
    lambdaRequests: (ingest.invocations + router.invocations) / n,
    lambdaGbSeconds: compute,
    sqsRequests: (m.counts["sqs.billed"] ?? 0) / n,
    dynamodbWriteUnits: sumOf(withPrefix(m.counts, "ddb.wru:")) / n,
    dynamodbReadUnits: sumOf(withPrefix(m.counts, "ddb.rru:")) / n,
    dynamodbStorageByteMonths: (sumOf(stored.tableByteMonths) + sumOf(stored.indexByteMonths)) / n,
    pitrByteMonths:
      Object.entries(stored.tableByteMonths)
        .filter(([table]) => pitrTables.has(table))
        .reduce((sum, [, bytes]) => sum + bytes, 0) / n,
    // S3's request tiers: PUT and POST the dearer, GET and HEAD the cheaper (a LIST is a GET on the
    // bucket, priced here as a GET: the handlers do not list), DELETE free.
    s3Puts: ((m.logs.s3Requests.PUT ?? 0) + (m.logs.s3Requests.POST ?? 0)) / n,
    s3Gets: ((m.logs.s3Requests.GET ?? 0) + (m.logs.s3Requests.HEAD ?? 0)) / n,
    s3StorageByteMonths: stored.s3ByteMonths / n,
    logIngestBytes,
    logStorageByteMonths,
    xrayTraces: traces,
    secretsManagerCalls: secretsCalls,
  };
  return {
    usage,
    functions: { ingest, router },
    logBytes: { handlers, platform, accessLog },
    tracedShare,
    computeAtP10: computeAt("p10"),
  };
}

/** Powertools' function-name keys carry the deployed names, longer than the local ones. */
export const deployedLengths = (ingest: FunctionFacts, router: FunctionFacts) => ({
  ingest: deployedNameLength(STACK_NAME, ingest.logicalId),
  router: deployedNameLength(STACK_NAME, router.logicalId),
});
