import { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { DynamoDbDeliveryGuard } from "../../shared/adapters/dynamodb/dynamodb-delivery-guard";
import { DynamoDbEventStore } from "../../shared/adapters/dynamodb/dynamodb-event-store";
import { HttpAgentClient } from "../../shared/adapters/http/http-agent-client";
import { SlackWebApiNotifier } from "../../shared/adapters/http/slack-web-api-notifier";
import { EnvironmentTeamTokens } from "../../shared/adapters/secrets/environment-team-tokens";
import { SecretsManagerTeamTokens } from "../../shared/adapters/secrets/secrets-manager-team-tokens";
import { SqsMessageVisibility } from "../../shared/adapters/sqs/sqs-message-visibility";
import { routerConfigFromEnv } from "../../shared/config/router-config";
import { S3PayloadStore } from "../../shared/payloads/s3-payload-store";
import { createSqsClient } from "../../shared/queue/sqs-event-queue";
import { DestinationBreakers } from "../../shared/router/destination-breaker";
import type { RouterDeps } from "../../shared/router/router-deps";
import { createTeamResolver } from "../../shared/routing/resolve-team";
import { SecretReader } from "../../shared/secrets/secret-reader";
import { parseSecretList } from "../../shared/secrets/secret-values";

/**
 * The signing secret: the first of the active ones (a JSON array during rotation). An unusable value
 * rejects naming `name` (UnusableSecretError), so nothing is signed with an empty key.
 */
export function firstSecret(reader: SecretReader, name: "AGENT_SIGNING_SECRET" | "SLACK_BOT_TOKEN") {
  return async (): Promise<string> => {
    const [first] = parseSecretList(await reader.read(name), name);
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
      allowLocalHttp: config.localPipeline,
    }),
    breakers: new DestinationBreakers({
      failureThreshold: config.circuitBreakerThreshold,
      recoveryMs: config.circuitBreakerRecoverySeconds * 1000,
      maxInFlight: config.agentConcurrency,
    }),
    tokens: config.localPipeline
      ? new EnvironmentTeamTokens(env)
      : new SecretsManagerTeamTokens(config.secretsCacheSeconds),
    events: new DynamoDbEventStore(config.eventsTable, dynamo, undefined, config.deliveredRetentionDays),
    guard: new DynamoDbDeliveryGuard({
      client: dynamo,
      claimsTable: config.idempotencyTable,
      eventsTable: config.eventsTable,
      windowSeconds: config.idempotencyTtlSeconds,
    }),
    visibility: new SqsMessageVisibility(config.queueUrl, createSqsClient()),
    slack: new SlackWebApiNotifier({
      apiUrl: config.slackApiUrl,
      botToken: firstSecret(secrets, "SLACK_BOT_TOKEN"),
      timeoutMs: config.slackTimeoutMs,
    }),
    ...(config.payloadBucket ? { payloads: new S3PayloadStore(config.payloadBucket) } : {}),
  };
}
