import { Logger } from "@aws-lambda-powertools/logger";
import { useLogger } from "./deferred-logger";
import { LeanLogFormatter } from "./lean-log-formatter";

/**
 * The one Logger of the process, as Powertools recommends. Its level is POWERTOOLS_LOG_LEVEL (or
 * LOG_LEVEL), unless Lambda's own application log level is set, which Powertools then follows.
 */
export const logger = new Logger({
  serviceName: process.env.POWERTOOLS_SERVICE_NAME ?? "webhook-pipeline",
  logFormatter: new LeanLogFormatter(),
});

useLogger(logger);
