import { Metrics } from "@aws-lambda-powertools/metrics";

export { logger } from "./logger";

/**
 * Powertools Metrics, for the GitHub reconciler's one EMF line per run. Ingest and the router do not
 * use it (their metrics ride on their record lines, record-line.ts), so it is kept out of the module
 * ingest imports.
 */
export const metrics = new Metrics({
  serviceName: process.env.POWERTOOLS_SERVICE_NAME ?? "webhook-pipeline",
  namespace: process.env.POWERTOOLS_METRICS_NAMESPACE ?? "WebhookPipeline",
});
