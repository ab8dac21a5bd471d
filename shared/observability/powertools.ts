import { Logger } from "@aws-lambda-powertools/logger";
import { Metrics } from "@aws-lambda-powertools/metrics";

/** Created once per process and shared, as Powertools recommends. */
const serviceName = process.env.POWERTOOLS_SERVICE_NAME ?? "webhook-pipeline";

export const logger = new Logger({ serviceName });

export const metrics = new Metrics({
  serviceName,
  namespace: process.env.POWERTOOLS_METRICS_NAMESPACE ?? "WebhookPipeline",
});
