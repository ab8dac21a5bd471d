import { injectLambdaContext } from "@aws-lambda-powertools/logger/middleware";
import { logMetrics } from "@aws-lambda-powertools/metrics/middleware";
import { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import middy from "@middy/core";
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from "aws-lambda";
import { DynamoDbRequestAudit } from "../../shared/adapters/dynamodb/dynamodb-request-audit";
import { requestRecordOf } from "../../shared/audit/request-record-of";
import {
  healthConfigFromEnv,
  type IngestConfig,
  ingestConfigFromEnv,
} from "../../shared/config/ingest-config";
import { HealthCheck, isHealthPath } from "../../shared/health/health-check";
import { fromApiGatewayEvent } from "../../shared/http/webhook-request";
import { type IngestDeps, ingestWebhook } from "../../shared/ingest/ingest-webhook";
import { logger, metrics } from "../../shared/observability/powertools";
import { S3PayloadStore } from "../../shared/payloads/s3-payload-store";
import { SqsEventQueue } from "../../shared/queue/sqs-event-queue";
import { SecretReader } from "../../shared/secrets/secret-reader";
import { auditTrail } from "./audit-trail";
import { handshakeTokensFromEnv } from "./handshake-tokens-from-env";
import { recordHealthAnswer, recordIngestResult } from "./record-result";

/**
 * A JSON response carrying the correlation id (the API Gateway request id) in `x-correlation-id`,
 * and in an error's body too, so a sender can quote it; an undefined body is an empty one.
 */
const json = (
  correlationId: string,
  statusCode: number,
  body: unknown,
  headers: Record<string, string> = {},
): APIGatewayProxyStructuredResultV2 => {
  const withId = { ...headers, "x-correlation-id": correlationId };
  if (body === undefined) return { statusCode, headers: withId, body: "" };
  const payload = statusCode >= 400 && isRecord(body) ? { ...body, correlation_id: correlationId } : body;
  return {
    statusCode,
    headers: { "content-type": "application/json", ...withId },
    body: JSON.stringify(payload),
  };
};

const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === "object" && value !== null && !Array.isArray(value);

/** The ingest function, given its dependencies (tests and the local runner pass their own). */
export function createIngestHandler(deps: () => IngestDeps) {
  return async (event: APIGatewayProxyEventV2): Promise<APIGatewayProxyStructuredResultV2> => {
    const correlationId = event.requestContext?.requestId || crypto.randomUUID();
    try {
      const request = fromApiGatewayEvent(event);
      logger.appendKeys({ correlation_id: request.requestId });
      const dependencies = deps();
      if (dependencies.health && isHealthPath(request.path)) {
        const answer = await dependencies.health.answer(request);
        recordHealthAnswer(answer);
        return json(request.requestId, answer.statusCode, answer.body, answer.headers);
      }
      const result = await ingestWebhook(request, dependencies);
      recordIngestResult(result);
      const audited = dependencies.audit && requestRecordOf(request, result);
      if (audited) dependencies.audit!.record(audited);
      return json(request.requestId, result.statusCode, result.body, result.headers);
    } catch (error) {
      // A bug, never the caller's doing: log it for us, tell the caller only to retry.
      logger.error("ingest failed unexpectedly", error as Error);
      return json(correlationId, 500, { error: "internal error; the event was not accepted, retry later" });
    }
  };
}

let defaultDeps: IngestDeps | undefined;

/** Built on first use from the environment, then reused by every warm invocation. */
function depsFromEnv(): IngestDeps {
  if (defaultDeps) return defaultDeps;
  const queueUrl = process.env.QUEUE_URL;
  if (!queueUrl) throw new Error("QUEUE_URL is not set: point it at the webhook queue");
  const config = ingestConfigFromEnv();
  const queue = new SqsEventQueue(queueUrl);
  const handshakeTokens = handshakeTokensFromEnv();
  defaultDeps = {
    config,
    queue,
    secrets: new SecretReader(),
    ...(config.payloadBucket ? { payloads: new S3PayloadStore(config.payloadBucket) } : {}),
    health: new HealthCheck({ queue, ...healthConfigFromEnv() }),
    ...(handshakeTokens ? { handshakeTokens } : {}),
    ...(config.audit ? { audit: auditTrail(config.audit) } : {}),
  };
  return defaultDeps;
}

export const handler = middy(createIngestHandler(depsFromEnv))
  .use(injectLambdaContext(logger, { resetKeys: true }))
  .use(logMetrics(metrics));
