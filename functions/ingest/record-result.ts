import { MetricUnit } from "@aws-lambda-powertools/metrics";
import type { IngestResult } from "../../shared/ingest/ingest-webhook";
import { logger, metrics } from "../../shared/observability/powertools";

const METRIC_BY_OUTCOME = {
  accepted: "WebhooksAccepted",
  ignored: "WebhooksIgnored",
  handshake: "WebhooksIgnored",
  rejected: "WebhooksRejected",
  unavailable: "WebhooksUnavailable",
} as const;

/** One log line and the EMF metrics for a request. Never logs headers, bodies or secrets. */
export function recordIngestResult(result: IngestResult): void {
  const provider = result.provider ?? "unknown";
  const count = (name: string, extra: Record<string, string> = {}) => {
    const metric = metrics.singleMetric();
    metric.addDimension("provider", provider);
    for (const [key, value] of Object.entries(extra)) metric.addDimension(key, value);
    metric.addMetric(name, MetricUnit.Count, 1);
  };
  count("WebhooksReceived");
  switch (result.outcome) {
    case "accepted":
      count(METRIC_BY_OUTCOME.accepted);
      logger.info("webhook accepted", { provider, events: result.events });
      return;
    case "ignored":
    case "handshake":
      count(METRIC_BY_OUTCOME[result.outcome]);
      logger.info("webhook answered without queueing", {
        provider,
        outcome: result.outcome,
        reason: result.reason,
      });
      return;
    case "rejected":
      count(METRIC_BY_OUTCOME.rejected, { reason: result.reason });
      logger.warn("webhook rejected", {
        provider,
        status: result.statusCode,
        reason: result.reason,
        problem: result.problem,
      });
      return;
    case "unavailable":
      count(METRIC_BY_OUTCOME.unavailable);
      logger.error("webhook not accepted: retry expected from the sender", {
        provider,
        problem: result.problem,
      });
      return;
  }
}
