import { readFileSync } from "node:fs";
import { CfnOutput, CfnParameter, Stack, type StackProps } from "aws-cdk-lib";
import type { RetentionDays } from "aws-cdk-lib/aws-logs";
import type { Construct } from "constructs";
import { WEBHOOK_QUEUE } from "../shared/config/resources";
import { REGISTRY } from "../shared/providers/registry";
import { GitHubReconciler } from "./constructs/github-reconciler";
import { Observability } from "./constructs/observability";
import { pascal } from "./constructs/pascal-case";
import { PayloadBucket } from "./constructs/payload-bucket";
import { Router } from "./constructs/router";
import { PipelineSecrets } from "./constructs/secrets";
import { PipelineTables } from "./constructs/tables";
import { WebhookApi } from "./constructs/webhook-api";
import { WebhookQueue } from "./constructs/webhook-queue";
import type { PipelineSettings } from "./settings";
import { STACK_SECRETS } from "./stack-secrets";

export interface WebhookPipelineStackProps extends StackProps {
  settings: PipelineSettings;
}

/** `/webhooks/slack/events` → `SlackEventsWebhookUrl`; `/webhooks/generic/{source}` → `GenericSourceWebhookUrl`. */
export const webhookUrlOutputId = (path: string) => `${pascal(path.replace(/^\/webhooks\//, ""))}WebhookUrl`;

/** The package's version: what `GET /health` reports for the deployed functions. */
export const PACKAGE_VERSION: string = JSON.parse(
  readFileSync(new URL("../package.json", import.meta.url), "utf8"),
).version;

/** `SLACK_SIGNING_SECRET` → `SlackSigningSecretArn`. */
export const secretArnOutputId = (name: string) => `${pascal(name.toLowerCase())}Arn`;

/**
 * The whole webhook pipeline in one stack: HTTP API and per-provider ingest functions, the queue
 * and its dead-letter queue, the routing/events/idempotency tables, the router, secrets, dashboard
 * and alarms. Environment-agnostic: no lookups, so it synthesizes offline.
 */
export class WebhookPipelineStack extends Stack {
  constructor(scope: Construct, id: string, props: WebhookPipelineStackProps) {
    super(scope, id, props);
    const { settings } = props;
    const logRetention = settings.logRetentionDays as RetentionDays;

    const agentUrl = new CfnParameter(this, "AgentUrl", {
      type: "String",
      description: "The default agent endpoint (HTTPS) the router delivers events to; a team may override it",
      allowedPattern: "^https://\\S+$",
      constraintDescription: "must be an https:// URL",
      ...(settings.agentUrl ? { default: settings.agentUrl } : {}),
    });

    const secrets = new PipelineSecrets(this, "Secrets", { existing: settings.existingSecrets });
    const tables = new PipelineTables(this, "Tables", {
      routingTableDeletionProtection: settings.routingTableDeletionProtection,
      eventsTablePointInTimeRecovery: settings.eventsTablePointInTimeRecovery,
    });
    const queue = new WebhookQueue(this, "WebhookQueue", {
      maxReceiveCount: settings.maxReceiveCount,
      routerTimeoutSeconds: WEBHOOK_QUEUE.routerTimeoutSeconds,
    });
    const payloads = new PayloadBucket(this, "Payloads");
    const api = new WebhookApi(this, "WebhookApi", {
      queue: queue.queue,
      payloads,
      secrets,
      throttle: { rateLimit: settings.throttleRateLimit, burstLimit: settings.throttleBurstLimit },
      logRetention,
      logLevel: settings.logLevel,
      accessLogClass: settings.accessLogClass,
      tracingSampleRate: settings.tracingSampleRate,
      secretsCacheSeconds: settings.ingestSecretsCacheSeconds,
      eventFilters: settings.eventFilters,
      providerEnvironment: settings.providerEnvironment,
      version: PACKAGE_VERSION,
      auditTable: tables.events,
    });
    const router = new Router(this, "Router", {
      queue: queue.queue,
      payloads,
      routingTable: tables.routing,
      eventsTable: tables.events,
      idempotencyTable: tables.idempotency,
      secrets,
      agentUrl: agentUrl.valueAsString,
      timeoutSeconds: WEBHOOK_QUEUE.routerTimeoutSeconds,
      batchSize: settings.routerBatchSize,
      maxBatchingWindowSeconds: settings.routerMaxBatchingWindowSeconds,
      maxConcurrency: settings.routerMaxConcurrency,
      maxReceiveCount: settings.maxReceiveCount,
      agentTimeoutMs: settings.agentTimeoutMs,
      routingCacheSeconds: settings.routingCacheSeconds,
      ...(settings.defaultTeam ? { defaultTeam: settings.defaultTeam } : {}),
      slackApiUrl: settings.slackApiUrl,
      secretsCacheSeconds: settings.secretsCacheSeconds,
      deliveredRetentionDays: settings.deliveredEventRetentionDays,
      teamTokenSecretPrefix: settings.teamTokenSecretPrefix,
      logRetention,
      logLevel: settings.logLevel,
    });
    // The router is updated first: it reads every envelope version the new ingest code writes.
    for (const fn of Object.values(api.ingestFunctions)) fn.node.addDependency(router.function);
    const observability = new Observability(this, "Observability", {
      api: api.api,
      queue: queue.queue,
      deadLetterQueue: queue.deadLetterQueue,
      ingestFunctions: Object.values(api.ingestFunctions),
      router: router.function,
      ...(settings.alarmEmail ? { alarmEmail: settings.alarmEmail } : {}),
      ...(settings.alarmTopicArn ? { alarmTopicArn: settings.alarmTopicArn } : {}),
      queueAgeAlarmSeconds: settings.queueAgeAlarmSeconds,
      agentErrorRateAlarmPercent: settings.agentErrorRateAlarmPercent,
      api5xxAlarmThreshold: settings.api5xxAlarmThreshold,
    });
    if (settings.githubAppSecretName) {
      new GitHubReconciler(this, "GithubReconciler", {
        appSecretName: settings.githubAppSecretName,
        eventsTable: tables.events,
        idempotencyTable: tables.idempotency,
        rateMinutes: settings.githubReconcileRateMinutes,
        windowMinutes: settings.githubReconcileWindowMinutes,
        maxRedeliveries: settings.githubReconcileMax,
        apiUrl: settings.githubApiUrl,
        secretsCacheSeconds: settings.secretsCacheSeconds,
        logRetention,
        logLevel: settings.logLevel,
        alarmTopics: observability.alarmTopics,
      });
    }

    new CfnOutput(this, "ApiUrl", { value: api.stage.url, description: "The webhook API's base URL" });
    for (const route of REGISTRY.routes) {
      new CfnOutput(this, webhookUrlOutputId(route.path), {
        value: api.urlOf(route.path),
        description: `POST here: ${route.title}${route.path.includes("{source}") ? " ({source}: the sender's name in GENERIC_WEBHOOK_SECRETS)" : ""}`,
      });
    }
    new CfnOutput(this, "QueueUrl", { value: queue.queue.queueUrl, description: "The webhook queue" });
    new CfnOutput(this, "DeadLetterQueueUrl", {
      value: queue.deadLetterQueue.queueUrl,
      description: "The dead-letter queue (redrive back to the webhook queue once the cause is fixed)",
    });
    new CfnOutput(this, "PayloadBucketName", {
      value: payloads.bucket.bucketName,
      description: "Payloads too large for one queue message (payloads/<yyyy>/<mm>/<dd>/<event id>.json)",
    });
    new CfnOutput(this, "RoutingTableName", {
      value: tables.routing.tableName,
      description: "ROUTING_TABLE for npm run routes",
    });
    new CfnOutput(this, "EventsTableName", {
      value: tables.events.tableName,
      description: "Outcome record per event",
    });
    new CfnOutput(this, "IdempotencyTableName", {
      value: tables.idempotency.tableName,
      description: "Idempotency records (delivery keys already sent to the agent)",
    });
    for (const { name, description } of STACK_SECRETS) {
      new CfnOutput(this, secretArnOutputId(name), {
        value: secrets.arn(name),
        description: `${name}: ${description}`,
      });
    }
  }
}
