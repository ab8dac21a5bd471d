import { ArnFormat, Duration, Stack, Validations } from "aws-cdk-lib";
import type { ITable } from "aws-cdk-lib/aws-dynamodb";
import type { CfnFunction } from "aws-cdk-lib/aws-lambda";
import { SqsEventSource } from "aws-cdk-lib/aws-lambda-event-sources";
import type { RetentionDays } from "aws-cdk-lib/aws-logs";
import type { IQueue } from "aws-cdk-lib/aws-sqs";
import { Construct } from "constructs";
import type { LogLevel } from "../settings";
import { allow, PipelineFunction } from "./lambda-defaults";
import type { PayloadBucket } from "./payload-bucket";
import type { PipelineSecrets } from "./secrets";

export const ROUTER_FUNCTION_LOGICAL_ID = "RouterFunction";

export interface RouterProps {
  queue: IQueue;
  payloads: PayloadBucket;
  routingTable: ITable;
  eventsTable: ITable;
  idempotencyTable: ITable;
  secrets: PipelineSecrets;
  /** The `AgentUrl` parameter (a token) or a fixed URL. */
  agentUrl: string;
  timeoutSeconds: number;
  batchSize: number;
  maxBatchingWindowSeconds: number;
  maxConcurrency: number;
  maxReceiveCount: number;
  agentTimeoutMs: number;
  routingCacheSeconds: number;
  defaultTeam?: string;
  slackApiUrl: string;
  secretsCacheSeconds: number;
  /** Days a delivered event's record is kept (DELIVERED_RETENTION_DAYS). */
  deliveredRetentionDays: number;
  /** Teams' agent token secrets are named under this prefix; the router may read no other. */
  teamTokenSecretPrefix: string;
  logRetention: RetentionDays;
  logLevel: LogLevel;
}

/** Item reads and writes the router's stores need: no Scan, no table management, no index reads. */
const TABLE_READ = ["dynamodb:BatchGetItem", "dynamodb:GetItem", "dynamodb:Query"];
const TABLE_READ_WRITE = [
  ...TABLE_READ,
  "dynamodb:PutItem",
  "dynamodb:UpdateItem",
  "dynamodb:DeleteItem",
  "dynamodb:BatchWriteItem",
  "dynamodb:ConditionCheckItem",
];

/**
 * The router function, fed by the webhook queue in batches with partial batch responses, its
 * concurrency capped to protect the agent. It reads the routing table, writes outcome and
 * idempotency records, reads the agent signing secret and the Slack bot token, reads large payloads
 * back from the payload bucket, may change a message's visibility to back off retries
 * (`sqs:ChangeMessageVisibility`), and reads teams' agent tokens from secrets under one name prefix.
 */
export class Router extends Construct {
  readonly function: PipelineFunction;

  constructor(scope: Construct, id: string, props: RouterProps) {
    super(scope, id);
    const fn = new PipelineFunction(this, "Function", {
      entry: "functions/router/handler.ts",
      description: "Routes queued webhooks to the owning team's agent",
      timeout: Duration.seconds(props.timeoutSeconds),
      memorySize: 512,
      logRetention: props.logRetention,
      logLevel: props.logLevel,
      environment: {
        QUEUE_URL: props.queue.queueUrl,
        ROUTING_TABLE: props.routingTable.tableName,
        EVENTS_TABLE: props.eventsTable.tableName,
        IDEMPOTENCY_TABLE: props.idempotencyTable.tableName,
        PAYLOAD_BUCKET: props.payloads.bucket.bucketName,
        AGENT_URL: props.agentUrl,
        SLACK_API_URL: props.slackApiUrl,
        AGENT_TIMEOUT_MS: String(props.agentTimeoutMs),
        MAX_RECEIVE_COUNT: String(props.maxReceiveCount),
        ROUTING_CACHE_SECONDS: String(props.routingCacheSeconds),
        SECRETS_CACHE_SECONDS: String(props.secretsCacheSeconds),
        DELIVERED_RETENTION_DAYS: String(props.deliveredRetentionDays),
        TEAM_TOKEN_SECRET_PREFIX: props.teamTokenSecretPrefix,
        ...(props.defaultTeam ? { DEFAULT_TEAM: props.defaultTeam } : {}),
        ...props.secrets.environment("AGENT_SIGNING_SECRET", "SLACK_BOT_TOKEN"),
      },
    });
    (fn.node.defaultChild as CfnFunction).overrideLogicalId(ROUTER_FUNCTION_LOGICAL_ID);
    this.function = fn;

    fn.addEventSource(
      new SqsEventSource(props.queue, {
        batchSize: props.batchSize,
        maxBatchingWindow: Duration.seconds(props.maxBatchingWindowSeconds),
        reportBatchItemFailures: true,
        maxConcurrency: props.maxConcurrency,
      }),
    );
    // The event source's grant (ReceiveMessage, DeleteMessage, ChangeMessageVisibility,
    // GetQueueAttributes, GetQueueUrl on this queue only) also covers the handler's own
    // ChangeMessageVisibility calls that back off retries; the infra tests assert it stays so.
    allow(fn, "ReadRouting", TABLE_READ, [props.routingTable.tableArn]);
    allow(fn, "RecordOutcomes", TABLE_READ_WRITE, [
      props.eventsTable.tableArn,
      props.idempotencyTable.tableArn,
    ]);
    props.secrets.grantRead(fn, "ReadAgentSecretAndSlackToken", "AGENT_SIGNING_SECRET", "SLACK_BOT_TOKEN");
    props.payloads.grantObjects(fn, "ReadLargePayloads", "s3:GetObject");
    this.grantTeamTokens(props.teamTokenSecretPrefix);
  }

  /**
   * `secretsmanager:GetSecretValue` on the secrets named under the prefix, in this account and
   * region only. Teams create their token secrets after the stack is deployed, so their names (and
   * Secrets Manager's random suffix) cannot be listed here.
   */
  private grantTeamTokens(prefix: string): void {
    const resourceName = `${prefix}*`;
    const arn = Stack.of(this).formatArn({
      service: "secretsmanager",
      resource: "secret",
      resourceName,
      arnFormat: ArnFormat.COLON_RESOURCE_NAME,
    });
    allow(this.function, "ReadTeamAgentTokens", ["secretsmanager:GetSecretValue"], [arn]);
    // On the role: its policy is where the finding is raised.
    Validations.of(this.function.role!).acknowledge({
      id: `AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:secretsmanager:<AWS::Region>:<AWS::AccountId>:secret:${resourceName}]`,
      reason: `Team agent tokens are secrets each team's operator creates under ${prefix} after deployment (teamTokenSecretPrefix), so no full ARN exists at synth time; the wildcard is limited to that name prefix in this account and region, and to GetSecretValue alone.`,
    });
  }
}
