import type { HealthAnswer } from "../../shared/health/health-check";
import type { IngestResult } from "../../shared/ingest/ingest-webhook";
import { emf } from "../../shared/observability/emf";
import { logger } from "../../shared/observability/powertools";

const METRIC_BY_OUTCOME = {
  accepted: "WebhooksAccepted",
  ignored: "WebhooksIgnored",
  handshake: "WebhooksIgnored",
  rejected: "WebhooksRejected",
  unavailable: "WebhooksUnavailable",
} as const;

const BY_PROVIDER = [["service", "provider"]];

/** The request's metrics: received, and its outcome (rejections also by reason). */
function countOutcome(result: IngestResult, provider: string): void {
  const outcome = METRIC_BY_OUTCOME[result.outcome];
  const received = { dimensions: BY_PROVIDER, metrics: ["WebhooksReceived"] };
  if (result.outcome === "rejected") {
    emf.count([received, { dimensions: [["service", "provider", "reason"]], metrics: [outcome] }], {
      provider,
      reason: result.reason,
    });
  } else {
    emf.count([received, { dimensions: BY_PROVIDER, metrics: [outcome] }], { provider });
  }
}

/** One log line and the EMF metrics for a request. Never logs headers, bodies or secrets. */
export function recordIngestResult(result: IngestResult): void {
  const provider = result.provider ?? "unknown";
  countOutcome(result, provider);
  switch (result.outcome) {
    case "accepted":
      logger.info("webhook accepted", {
        provider,
        events: result.events,
        ...(result.filtered ? { filtered: result.filtered } : {}),
      });
      return;
    case "ignored":
    case "handshake":
      logger.info("webhook answered without queueing", {
        provider,
        outcome: result.outcome,
        reason: result.reason,
      });
      return;
    case "rejected":
      logger.warn("webhook rejected", {
        provider,
        status: result.statusCode,
        reason: result.reason,
        problem: result.problem,
      });
      return;
    case "unavailable":
      logger.error("webhook not accepted: retry expected from the sender", {
        provider,
        problem: result.problem,
      });
      return;
  }
}

/** Health checks are not webhooks: no metrics, and a log line only when the queue is unreachable. */
export function recordHealthAnswer(answer: HealthAnswer): void {
  if (answer.problem)
    logger.warn("health check: the webhook queue is unreachable", { problem: answer.problem });
}
