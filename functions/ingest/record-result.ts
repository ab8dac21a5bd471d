import type { HealthAnswer } from "../../shared/health/health-check";
import type { IngestResult } from "../../shared/ingest/ingest-webhook";
import { deferredLogger } from "../../shared/observability/deferred-logger";
import { type CountedMetrics, recordLine } from "../../shared/observability/record-line";

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
const head = (level: string, message: string, result: IngestResult, request: RequestContext): Fields => ({
  level,
  message,
  outcome: result.outcome,
  provider: result.provider ?? "unknown",
  correlation_id: request.correlationId,
});

/** The record of the request: its head, then what the outcome says (reason, problem or event ids). */
function recordOf(result: IngestResult, request: RequestContext): Fields {
  let record: Fields;
  switch (result.outcome) {
    case "accepted":
      record = head("INFO", "webhook accepted", result, request);
      // Each event by id and type: its delivery key is in the router's line and the events table,
      // and this line is paid for on every webhook.
      record.events = result.events.map(({ id, eventType, payloadStored }) =>
        payloadStored ? { id, eventType, payloadStored } : { id, eventType },
      );
      if (result.filtered) record.filtered = result.filtered;
      break;
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
      break;
    case "unavailable":
      record = head("ERROR", "webhook not accepted: retry expected from the sender", result, request);
      record.problem = result.problem;
      break;
  }
  if (request.coldStart) record.cold_start = true;
  return record;
}

/**
 * The request's one line: its record (outcome, provider, reason or event ids, correlation id) with
 * its metrics. Never headers, bodies or secrets.
 */
export function recordIngestResult(result: IngestResult, request: RequestContext): void {
  recordLine.write(recordOf(result, request), METRICS[result.outcome]);
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
