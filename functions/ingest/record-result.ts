import type { HealthAnswer } from "../../shared/health/health-check";
import type { IngestResult } from "../../shared/ingest/ingest-webhook";
import { deferredLogger } from "../../shared/observability/deferred-logger";
import { type CountedMetrics, recordLine } from "../../shared/observability/record-line";
import type { ProviderName } from "../../shared/providers/provider";

const BY_PROVIDER = ["provider"];
const counted = (outcome: string): CountedMetrics[] => [{ dimensions: BY_PROVIDER, metrics: [outcome] }];

/**
 * Each request counted once, by outcome and provider (a rejection also by reason). No separate
 * "received" count: it is the sum of the four (the dashboard adds them up), and this line is paid
 * for on every webhook.
 */
const METRICS = {
  accepted: counted("WebhooksAccepted"),
  ignored: counted("WebhooksIgnored"),
  handshake: counted("WebhooksIgnored"),
  unavailable: counted("WebhooksUnavailable"),
  rejected: [{ dimensions: [...BY_PROVIDER, "reason"], metrics: ["WebhooksRejected"] }],
} satisfies Record<IngestResult["outcome"], CountedMetrics[]>;

export interface RequestContext {
  correlationId: string;
  /** The first request of this function instance, which paid for its start. */
  coldStart: boolean;
}

type Fields = Record<string, unknown>;

/** The fields every record starts with, at the level an operator should see the outcome. */
const head = (
  level: string,
  message: string,
  result: Pick<IngestResult, "outcome" | "provider">,
  request: Pick<RequestContext, "correlationId">,
): Fields => ({
  level,
  message,
  outcome: result.outcome,
  provider: result.provider ?? "unknown",
  correlation_id: request.correlationId,
});

/** The record of a request not accepted: its head, then what the outcome says (reason or problem). */
function recordOf(result: Exclude<IngestResult, { outcome: "accepted" }>, request: RequestContext): Fields {
  let record: Fields;
  switch (result.outcome) {
    case "ignored":
    case "handshake":
      record = head("INFO", "webhook answered without queueing", result, request);
      record.reason = result.reason;
      break;
    case "rejected":
      record = head("WARN", "webhook rejected", result, request);
      record.status = result.statusCode;
      record.reason = result.reason;
      record.problem = result.problem;
      // Why a secret put for rotation did not help: the re-read failed, was too soon, found the same.
      if (result.secretReread) record.secret_reread = result.secretReread;
      break;
    case "unavailable":
      record = head("ERROR", "webhook not accepted: retry expected from the sender", result, request);
      record.problem = result.problem;
      break;
  }
  if (request.coldStart) record.cold_start = true;
  return record;
}

type Accepted = Extract<IngestResult, { outcome: "accepted" }>;

/**
 * The accepted record's JSON text up to its correlation id's value, per provider: constant text
 * (head's fields, the correlation id last, without its empty value).
 */
const acceptedHeads = new Map<ProviderName | undefined, string>();
function acceptedHead(provider: ProviderName | undefined): string {
  let text = acceptedHeads.get(provider);
  if (text === undefined) {
    const fields = head("INFO", "webhook accepted", { outcome: "accepted", provider }, { correlationId: "" });
    text = JSON.stringify(fields).slice(0, -'""}'.length);
    acceptedHeads.set(provider, text);
  }
  return text;
}

/**
 * The accepted record as JSON text, the same text JSON.stringify of its fields gives (head, events,
 * filtered, cold start, in that order), joined from constant pieces around JSON.stringify of each
 * value the request brought (correlation id, event ids and types): this line is paid for on every
 * webhook, and serialising the whole object was most of its cost. Each event by id and type: its
 * delivery key is in the router's line and the events table.
 */
function acceptedJson(result: Accepted, request: RequestContext): string {
  let text = `${acceptedHead(result.provider)}${JSON.stringify(request.correlationId)},"events":[`;
  let separator = "";
  for (const { id, eventType, payloadStored } of result.events) {
    text += `${separator}{"id":${JSON.stringify(id)},"eventType":${JSON.stringify(eventType)}`;
    text += payloadStored ? ',"payloadStored":true}' : "}";
    separator = ",";
  }
  text += "]";
  if (result.filtered) text += `,"filtered":${JSON.stringify(result.filtered)}`;
  return `${text}${request.coldStart ? ',"cold_start":true' : ""}}`;
}

/**
 * The request's one line: its record (outcome, provider, reason or event ids, correlation id) with
 * its metrics. Never headers, bodies or secrets.
 */
export function recordIngestResult(result: IngestResult, request: RequestContext): void {
  if (result.outcome === "accepted") recordLine.writeJson(acceptedJson(result, request), METRICS.accepted);
  else recordLine.write(recordOf(result, request), METRICS[result.outcome]);
}

/**
 * Health checks are not webhooks: no record or metrics, and a warning only when the queue is
 * unreachable (resolves once it is written).
 */
export async function recordHealthAnswer(answer: HealthAnswer, correlationId: string): Promise<void> {
  if (answer.problem) {
    await deferredLogger.warn("health check: the webhook queue is unreachable", {
      problem: answer.problem,
      correlation_id: correlationId,
    });
  }
}
