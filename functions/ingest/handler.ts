import middy from "@middy/core";
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from "aws-lambda";
import { requestRecordOf } from "../../shared/audit/request-record-of";
import { healthConfigFromEnv, ingestConfigFromEnv } from "../../shared/config/ingest-config";
import { HealthCheck, isHealthPath } from "../../shared/health/health-check";
import { fromApiGatewayEvent } from "../../shared/http/webhook-request";
import { AcceptedBody } from "../../shared/ingest/accepted-body";
import { type IngestDeps, ingestWebhook } from "../../shared/ingest/ingest-webhook";
import { deferredLogger } from "../../shared/observability/deferred-logger";
import { S3PayloadStore } from "../../shared/payloads/s3-payload-store";
import { isObject } from "../../shared/providers/body";
import { createSqsClient, SqsEventQueue } from "../../shared/queue/sqs-event-queue";
import { SecretReader } from "../../shared/secrets/secret-reader";
import { auditTrail } from "./audit-trail";
import { handshakeTokensFromEnv } from "./handshake-tokens-from-env";
import { recordHealthAnswer, recordIngestResult } from "./record-result";
import { sampleTraces, tracingSampleRateFromEnv } from "./sampled-traces";

/**
 * A JSON response carrying the correlation id (the API Gateway request id) in `x-correlation-id`,
 * and in an error's body too, so a sender can quote it; an undefined body is an empty one.
 */
function json(
  correlationId: string,
  statusCode: number,
  body: unknown,
  headers?: Record<string, string>,
): APIGatewayProxyStructuredResultV2 {
  if (body === undefined) {
    return { statusCode, headers: { ...headers, "x-correlation-id": correlationId }, body: "" };
  }
  const payload = statusCode >= 400 && isObject(body) ? { ...body, correlation_id: correlationId } : body;
  // Most answers have no headers of their own: no copy of them then.
  const answerHeaders = headers
    ? { "content-type": "application/json", ...headers, "x-correlation-id": correlationId }
    : { "content-type": "application/json", "x-correlation-id": correlationId };
  return {
    statusCode,
    headers: answerHeaders,
    body: payload instanceof AcceptedBody ? payload.json() : JSON.stringify(payload),
  };
}

/** The ingest function, given its dependencies (tests and the local runner pass their own). */
export function createIngestHandler(deps: () => IngestDeps) {
  // The first request this handler serves is the one that paid for the function instance's start.
  const instance = { coldStart: true };
  return async (event: APIGatewayProxyEventV2): Promise<APIGatewayProxyStructuredResultV2> => {
    const correlationId = event.requestContext?.requestId || crypto.randomUUID();
    try {
      const request = fromApiGatewayEvent(event);
      const dependencies = deps();
      if (dependencies.health && isHealthPath(request.path)) {
        const answer = await dependencies.health.answer(request);
        await recordHealthAnswer(answer, request.requestId);
        return json(request.requestId, answer.statusCode, answer.body, answer.headers);
      }
      const result = await ingestWebhook(request, dependencies);
      recordIngestResult(result, { correlationId: request.requestId, coldStart: instance.coldStart });
      instance.coldStart = false;
      const audited = dependencies.audit && requestRecordOf(request, result);
      if (audited) dependencies.audit!.record(audited);
      return json(request.requestId, result.statusCode, result.body, result.headers);
    } catch (error) {
      // A bug, never the caller's doing: log it for us, tell the caller only to retry.
      await deferredLogger.error("ingest failed unexpectedly", { correlation_id: correlationId, error });
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
  const sqs = createSqsClient();
  sampleTraces(sqs, tracingSampleRateFromEnv());
  const queue = new SqsEventQueue(queueUrl, sqs);
  const handshakeTokens = handshakeTokensFromEnv();
  defaultDeps = {
    config,
    queue,
    // A copy of the environment, which does not change in Lambda: reading process.env itself
    // crosses into C++ on every lookup, and the reader looks up each secret's variables per request.
    secrets: new SecretReader({ ...process.env }),
    ...(config.payloadBucket ? { payloads: new S3PayloadStore(config.payloadBucket) } : {}),
    health: new HealthCheck({ queue, ...healthConfigFromEnv() }),
    ...(handshakeTokens ? { handshakeTokens } : {}),
    ...(config.audit ? { audit: auditTrail(config.audit) } : {}),
  };
  return defaultDeps;
}

/**
 * The deployed handler: the function above through middy with no middleware. Its log line and
 * metrics are written by record-result.ts, and nothing here uses middy's early-timeout signal,
 * whose timer would otherwise be set and cleared on every request.
 */
export const handler = middy(createIngestHandler(depsFromEnv), { timeoutEarlyInMillis: 0 });
