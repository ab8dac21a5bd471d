import { Metrics } from "@aws-lambda-powertools/metrics";

export { logger } from "./logger";

/**
 * The router's Powertools Metrics, flushed once per invocation as one EMF line. Ingest does not use
 * it (its metrics ride on its per-request record line, record-line.ts), so it is kept out of the
 * module ingest imports.
 */
export const metrics = new Metrics({
  serviceName: process.env.POWERTOOLS_SERVICE_NAME ?? "webhook-pipeline",
  namespace: process.env.POWERTOOLS_METRICS_NAMESPACE ?? "WebhookPipeline",
});
