import { fmt, formatTable } from "../lib/table";
import { PRICE_REGION, PRICES, PRICES_TAKEN } from "./prices";
import { COMPONENTS, type Component, pricePerMillion, totalOf, type Usage } from "./pricing";
import type { CaseResult, CostRun } from "./run";
import { type Counts, withPrefix } from "./tally";

const usd = (value: number) => `$${value.toFixed(2)}`;
const per = (value: number, digits = 2) => fmt(value, digits);
const spread = (ms: { p10: number; p50: number; p90: number }) => `${ms.p10} / ${ms.p50} / ${ms.p90}`;

/** A template logical id without CDK's hash suffix: `TablesEventsE8DD42EA/by-status` → `TablesEvents/by-status`. */
const short = (id: string) => id.replace(/[0-9A-F]{8}(?=$|\/)/, "");

/** `Op 1.00, Op 0.10` for the calls one event made, largest first. */
function calls(counts: Counts, prefix: string, events: number): string {
  const entries = Object.entries(withPrefix(counts, prefix)).sort((a, b) => b[1] - a[1]);
  return entries.length === 0
    ? "none"
    : entries.map(([op, n]) => `${short(op)} ${per(n / events)}`).join(", ");
}

/** The Lambda compute row priced at each function's 10th-percentile duration. */
const computeAtP10 = (c: CaseResult) =>
  pricePerMillion({ ...c.result.usage, lambdaGbSeconds: c.result.computeAtP10 }, PRICES)["Lambda compute"];

/** What one webhook uses of each component, in the unit it is billed in. */
const BASIS: Record<Component, (u: Usage) => string> = {
  "API Gateway": (u) => `${per(u.apiRequests)} requests`,
  "Lambda requests": (u) => `${per(u.lambdaRequests)} invocations`,
  "Lambda compute": (u) => `${fmt(u.lambdaGbSeconds.arm64 + u.lambdaGbSeconds.x86_64, 4)} GB-s`,
  SQS: (u) => `${per(u.sqsRequests)} requests`,
  "DynamoDB writes": (u) => `${per(u.dynamodbWriteUnits)} WRU`,
  "DynamoDB reads": (u) => `${per(u.dynamodbReadUnits)} RRU`,
  "DynamoDB storage + PITR": (u) =>
    `${fmt(u.dynamodbStorageByteMonths, 0)} + ${fmt(u.pitrByteMonths, 0)} PITR byte-months`,
  S3: (u) => `${per(u.s3Puts)} PUT, ${per(u.s3Gets)} GET`,
  "CloudWatch Logs": (u) =>
    `${fmt(u.logIngestBytes.STANDARD, 0)} Standard + ${fmt(u.logIngestBytes.INFREQUENT_ACCESS, 0)} IA bytes`,
  "X-Ray": (u) => `${per(u.xrayTraces)} traces`,
  "Secrets Manager": (u) => `${fmt(u.secretsManagerCalls, 3)} calls`,
};

function costTable(cases: readonly CaseResult[]): string {
  const rows = COMPONENTS.map((component) => [
    component,
    ...cases.map((c) => usd(c.costs[component])),
    cases.map((c) => BASIS[component](c.result.usage)).join(" | "),
  ]);
  rows.push(["total", ...cases.map((c) => usd(totalOf(c.costs))), ""]);
  rows.push(["floor (issue 14's design floor)", ...cases.map((c) => usd(totalOf(c.floor))), ""]);
  rows.push(["total / floor", ...cases.map((c) => `${fmt(totalOf(c.costs) / totalOf(c.floor), 1)}x`), ""]);
  return formatTable(["per million webhooks", ...cases.map((c) => c.label), "per webhook"], rows);
}

function measuredTable(cases: readonly CaseResult[]): string {
  const row = (name: string, value: (c: CaseResult) => string) => [name, ...cases.map(value)];
  const n = (c: CaseResult) => c.measurement.events;
  const m = (c: CaseResult) => c.measurement;
  const fns = (c: CaseResult) => c.result.functions;
  const rows = [
    row("body bytes", (c) => fmt(m(c).bodyBytes, 0)),
    row(
      "Lambda invocations (ingest + router)",
      (c) => `${per(fns(c).ingest.invocations / n(c))} + ${per(fns(c).router.invocations / n(c))}`,
    ),
    row("router records per invocation", (c) => per(n(c) / Math.max(1, fns(c).router.invocations), 1)),
    row("ingest billed ms p10 / p50 / p90", (c) => spread(fns(c).ingest.billedMs)),
    row("router billed ms p10 / p50 / p90", (c) => spread(fns(c).router.billedMs)),
    row("SQS calls", (c) => calls(m(c).counts, "sqs:", n(c))),
    row("SQS billed requests (64 KB chunks)", (c) => per((m(c).counts["sqs.billed"] ?? 0) / n(c))),
    row("DynamoDB calls", (c) => calls(m(c).counts, "ddb:", n(c))),
    row("DynamoDB write units", (c) => calls(m(c).counts, "ddb.wru:", n(c))),
    row("DynamoDB read units", (c) => calls(m(c).counts, "ddb.rru:", n(c))),
    row(
      "new items (mean bytes)",
      (c) =>
        Object.entries(m(c).stored.tableItems)
          .map(
            ([t, items]) =>
              `${short(t)} ${per(items / n(c))} (${fmt(m(c).stored.meanItemBytes[t] ?? 0, 0)} B)`,
          )
          .join(", ") || "none",
    ),
    row(
      "stored GB-months per million (table+index / PITR)",
      (c) =>
        `${per((c.result.usage.dynamodbStorageByteMonths * 1e6) / 2 ** 30)} / ${per((c.result.usage.pitrByteMonths * 1e6) / 2 ** 30)}`,
    ),
    row(
      "S3 requests (by method) / objects left",
      (c) =>
        `${
          Object.entries(m(c).logs.s3Requests)
            .map(([method, count]) => `${method} ${per(count / n(c))}`)
            .join(", ") || "none"
        } / ${per(m(c).stored.s3Objects / n(c))}`,
    ),
    row("log bytes (handlers / Lambda / access log)", (c) =>
      [c.result.logBytes.handlers, c.result.logBytes.platform, c.result.logBytes.accessLog]
        .map((b) => fmt(b, 0))
        .join(" / "),
    ),
    row("handler log lines", (c) => per(m(c).logs.lines / n(c))),
    row("X-Ray share of invocations traced", (c) =>
      Object.entries(c.result.tracedShare)
        .map(([fn, share]) => `${fn} ${fmt(share * 100, 0)} %`)
        .join(", "),
    ),
    row("Secrets Manager calls", (c) => per(c.result.usage.secretsManagerCalls, 4)),
  ];
  return formatTable(["per webhook, measured", ...cases.map((c) => c.label)], rows);
}

function logShapes(c: CaseResult): string {
  const n = c.measurement.events;
  const rows = c.measurement.logs.shapes
    .slice(0, 8)
    .map((s) => [s.shape, per(s.lines / n), fmt(s.bytes / Math.max(1, s.lines), 0)]);
  return formatTable([`${c.label}: handler log lines`, "per webhook", "bytes each"], rows);
}

const MODEL_NOTES = [
  "Measured in the local pipeline: every SQS call of the handlers and of the emulated event source mapping and every DynamoDB call of the handlers (counting proxies); write and read units from the request and response bodies (a write is charged the larger of the item before and after, an update's after-image read back from the emulator; index writes per the template's indexes); S3 requests by method (seen in the pipeline process); the items and objects each case left; the handlers' log lines (Powertools' function names lengthened to the deployed ones, correlation ids at API Gateway's 16 characters); handler wall times (priced at the median).",
  "Modelled from the template: Lambda's START/END/REPORT lines per invocation (log format, system log level, tracing); the access log line (the stage's format); each log byte's ingestion price by its log group's class (Standard or Infrequent Access, from the template); X-Ray traces (tracing mode; Lambda's fixed 1/s + 5 % per Active function, Poisson arrivals at the monthly rate, one trace per invocation; plus one trace per message ingest marks sampled, TRACING_SAMPLE_RATE, which the router records: an upper bound); Secrets Manager calls (every declared secret re-read each SECRETS_CACHE_SECONDS, each function its own, in one warm environment per function; not the early re-reads of bad signatures, at most one per secret a minute per warm ingest function); storage months (TTL attribute, else one month; S3: the lifecycle expiration).",
  "Assumed: durations are local wall times on this machine (no network latency to AWS or to a real agent, no Lambda CPU share by memory, cold starts not counted); receives that return nothing are the poller idling (a fixed monthly cost, left out); the event source mapping is billed only as the SQS requests it makes; no free tiers.",
];

export function formatReport(run: CostRun, traffic: number): string {
  const { cases, facts, settings } = run;
  const fixed = facts.fixed;
  const fixedMonthly =
    fixed.secrets * PRICES.secretMonth.usd +
    fixed.dashboards * PRICES.dashboardMonth.usd +
    fixed.alarms * PRICES.alarmMonth.usd;
  return [
    `npm run cost — US dollars per million webhooks at ${PRICE_REGION} list prices of ${PRICES_TAKEN} (bench/cost/prices.ts)`,
    `${cases[0]?.measurement.events ?? 0} webhooks per case through the local pipeline; router batch size ${settings.batchSize}, window ${settings.batchWindowMs} ms (the template's); ${traffic.toLocaleString("en-US")} webhooks a month; load average ${fmt(run.machine.load, 1)} on ${run.machine.cpus} CPUs`,
    "",
    costTable(cases),
    "",
    measuredTable(cases),
    "",
    ...cases.flatMap((c) => [logShapes(c), ""]),
    `Fixed each month, not in the figures above: ${fixed.secrets} secrets, ${fixed.dashboards} dashboard(s), ${fixed.alarms} alarms = ${usd(fixedMonthly)}.`,
    `Lambda compute at the 10th-percentile durations instead of the median: ${cases.map((c) => `${c.label} ${usd(computeAtP10(c))} (total ${usd(totalOf(c.costs) - c.costs["Lambda compute"] + computeAtP10(c))})`).join(", ")}; a loaded machine lengthens every duration (load average above).`,
    `X-Ray sampling rules in the template: ${facts.samplingRules.map((r) => `${r.name} (${fmt(r.fixedRate * 100, 1)} %)`).join(", ") || "none"} (Lambda samples Active functions at its own fixed rate, whatever the rules say).`,
    ...run.notes.map((note) => `Note: ${note}`),
    ...MODEL_NOTES,
  ].join("\n");
}

/** The same figures for scripts. */
export function reportJson(run: CostRun, traffic: number) {
  return {
    prices: { region: PRICE_REGION, taken: PRICES_TAKEN },
    webhooksPerMonth: traffic,
    settings: run.settings,
    machine: run.machine,
    cases: run.cases.map((c) => ({
      name: c.name,
      label: c.label,
      perMillion: { ...c.costs, total: totalOf(c.costs) },
      floorPerMillion: { ...c.floor, total: totalOf(c.floor) },
      perWebhook: c.result.usage,
      logBytes: c.result.logBytes,
      tracedShare: c.result.tracedShare,
      measured: {
        events: c.measurement.events,
        bodyBytes: c.measurement.bodyBytes,
        counts: c.measurement.counts,
        stored: c.measurement.stored,
        logLines: c.measurement.logs.shapes,
        invocations: {
          ingest: c.result.functions.ingest.invocations,
          router: c.result.functions.router.invocations,
        },
        billedMs: { ingest: c.result.functions.ingest.billedMs, router: c.result.functions.router.billedMs },
      },
    })),
    fixedMonthly: run.facts.fixed,
    notes: [...run.notes, ...MODEL_NOTES],
  };
}
