import { BatchProcessor, EventType, processPartialResponse } from "@aws-lambda-powertools/batch";
import { injectLambdaContext } from "@aws-lambda-powertools/logger/middleware";
import { logMetrics } from "@aws-lambda-powertools/metrics/middleware";
import { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import middy from "@middy/core";
import type { Context, SQSBatchResponse, SQSEvent, SQSRecord } from "aws-lambda";
import { HttpAgentClient } from "../../shared/agent/agent-client";
import { WEBHOOK_QUEUE } from "../../shared/config/resources";
import { routerConfigFromEnv } from "../../shared/config/router-config";
import { DynamoDbEventStore } from "../../shared/events/event-store";
import { logger, metrics } from "../../shared/observability/powertools";
import { S3PayloadStore } from "../../shared/payloads/s3-payload-store";
import { createSqsClient } from "../../shared/queue/sqs-event-queue";
import { PowertoolsDeliveryGuard } from "../../shared/router/delivery-guard";
import { SqsMessageVisibility } from "../../shared/router/message-visibility";
import { BatchRouter, type RouterDeps } from "../../shared/router/route-batch";
import { createTeamResolver } from "../../shared/routing/resolve-team";
import { SecretReader } from "../../shared/secrets/secret-reader";
import { parseSecretList } from "../../shared/secrets/secret-values";
import { SlackWebApiNotifier } from "../../shared/slack/slack-notifier";

/**
 * The remaining time when no Lambda context is given (tests, ad-hoc calls): the router's configured
 * timeout from the start of the invocation.
 */
function remainingTime(context: Context | undefined): () => number {
  if (context && typeof context.getRemainingTimeInMillis === "function") {
    return () => context.getRemainingTimeInMillis();
  }
  const deadline = Date.now() + WEBHOOK_QUEUE.routerTimeoutSeconds * 1000;
  return () => Math.max(0, deadline - Date.now());
}

/** The router function, given its dependencies (tests and the local runner pass their own). */
export function createRouterHandler(deps: () => RouterDeps) {
  return async (event: SQSEvent, context?: Context): Promise<SQSBatchResponse> => {
    const router = new BatchRouter(deps(), event.Records, remainingTime(context));
    const processor = new BatchProcessor(EventType.SQS);
    return processPartialResponse(event, (record: SQSRecord) => router.route(record), processor, {
      ...(context ? { context } : {}),
      // Every record failing is still a partial response: each has its own backoff already set.
      throwOnFullBatchFailure: false,
    });
  };
}

/** The signing secret: the first of the active ones (a JSON array during rotation). */
export function firstSecret(reader: SecretReader, name: "AGENT_SIGNING_SECRET" | "SLACK_BOT_TOKEN") {
  return async (): Promise<string> => {
    const [first] = parseSecretList(await reader.read(name));
    if (!first) throw new Error(`${name} holds no secret`);
    return first;
  };
}

/** The router's dependencies from the environment (AWS SDK clients honour AWS_ENDPOINT_URL_*). */
export function routerDepsFromEnv(env: NodeJS.ProcessEnv = process.env): RouterDeps {
  const config = routerConfigFromEnv(env);
  const secrets = new SecretReader(env);
  const dynamo = new DynamoDBClient({});
  return {
    config,
    teams: createTeamResolver(env),
    agent: new HttpAgentClient({
      timeoutMs: config.agentTimeoutMs,
      signingSecret: firstSecret(secrets, "AGENT_SIGNING_SECRET"),
    }),
    events: new DynamoDbEventStore(config.eventsTable, dynamo),
    guard: new PowertoolsDeliveryGuard({
      tableName: config.idempotencyTable,
      client: dynamo,
      expiresAfterSeconds: config.idempotencyTtlSeconds,
    }),
    visibility: new SqsMessageVisibility(config.queueUrl, createSqsClient()),
    slack: new SlackWebApiNotifier({
      apiUrl: config.slackApiUrl,
      botToken: firstSecret(secrets, "SLACK_BOT_TOKEN"),
      timeoutMs: config.slackTimeoutMs,
    }),
    ...(config.payloadBucket ? { payloads: new S3PayloadStore(config.payloadBucket) } : {}),
    logger,
    metrics,
  };
}

let defaultDeps: RouterDeps | undefined;

/** Built on first use from the environment, then reused by every warm invocation. */
function depsFromEnv(): RouterDeps {
  defaultDeps ??= routerDepsFromEnv();
  return defaultDeps;
}

export const handler = middy(createRouterHandler(depsFromEnv))
  .use(injectLambdaContext(logger, { resetKeys: true }))
  .use(logMetrics(metrics));
