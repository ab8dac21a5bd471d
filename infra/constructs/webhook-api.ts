import { Duration, Validations } from "aws-cdk-lib";
import { AccessLogFormat } from "aws-cdk-lib/aws-apigateway";
import { HttpApi, HttpMethod, HttpStage, LogGroupLogDestination } from "aws-cdk-lib/aws-apigatewayv2";
import { HttpLambdaIntegration } from "aws-cdk-lib/aws-apigatewayv2-integrations";
import type { ITable } from "aws-cdk-lib/aws-dynamodb";
import type { CfnFunction } from "aws-cdk-lib/aws-lambda";
import { LogGroup, LogGroupClass, type RetentionDays } from "aws-cdk-lib/aws-logs";
import type { IQueue } from "aws-cdk-lib/aws-sqs";
import { Construct } from "constructs";
import { AUDIT_SDK_MODULES } from "../../shared/adapters/dynamodb/dynamodb-request-audit";
import { DEFAULT_MAX_BODY_BYTES, SQS_MAX_MESSAGE_BYTES } from "../../shared/config/ingest-config";
import type { EventFilters } from "../../shared/filters/event-filters";
import { HEALTH_PATH } from "../../shared/health/health-check";
import { S3_SDK_MODULE } from "../../shared/payloads/s3-payload-store";
import type { ProviderName } from "../../shared/providers/provider";
import { REGISTRY } from "../../shared/providers/registry";
import type { LogGroupClassName, LogLevel } from "../settings";
import { refuseLogFilters } from "./infrequent-access-guard";
import { allow, PipelineFunction } from "./lambda-defaults";
import { pascal } from "./pascal-case";
import type { PayloadBucket } from "./payload-bucket";
import type { PipelineSecrets } from "./secrets";

/** `IngestSlackFunction`: a stable logical ID, so `sam local invoke` commands can be written down. */
export const ingestFunctionLogicalId = (provider: ProviderName) => `Ingest${pascal(provider)}Function`;

/** The ingest function that answers `GET /health` (any of them could: the handler is the same). */
export const HEALTH_PROVIDER: ProviderName = REGISTRY.names[0];

export interface WebhookApiProps {
  queue: IQueue;
  payloads: PayloadBucket;
  secrets: PipelineSecrets;
  throttle: { rateLimit: number; burstLimit: number };
  logRetention: RetentionDays;
  logLevel: LogLevel;
  /** The access log group's class (accessLogClass). */
  accessLogClass: LogGroupClassName;
  /** The fraction of events ingest starts an X-Ray trace for (TRACING_SAMPLE_RATE). */
  tracingSampleRate: number;
  /** SECRETS_CACHE_SECONDS: how long a secret removed from its value (revoked) keeps verifying. */
  secretsCacheSeconds: number;
  /** Each provider's rules go to its own function only (EVENT_FILTERS); none: it forwards everything. */
  eventFilters: EventFilters;
  /** Each provider's non-secret configuration variables (GENERIC_WEBHOOK_SOURCES). */
  providerEnvironment: Partial<Record<ProviderName, Record<string, string>>>;
  /** What `GET /health` reports as the version. */
  version: string;
  /** The events table: requests ingest answers itself (refused, ignored, handshakes) are recorded there. */
  auditTable: ITable;
}

/**
 * The HTTP API (payload format 2.0) with a `POST` route per webhook path of the registry, each
 * integrated with its provider's own ingest function: the same bundle, a `PROVIDER` variable,
 * permission to send to the queue (and read its attributes, for the health check), to put large
 * payloads in the payload bucket, to read that provider's secret, to write (never read) the
 * secret its unsigned handshake's token is kept in, and to put audit records in the events table,
 * nothing else. The `$default` stage carries
 * the throttling limits (per route) and JSON access logs. HTTP APIs have no X-Ray support; the
 * trace starts in the ingest function.
 */
export class WebhookApi extends Construct {
  readonly api: HttpApi;
  readonly stage: HttpStage;
  readonly accessLogs: LogGroup;
  readonly ingestFunctions: Readonly<Record<ProviderName, PipelineFunction>>;

  constructor(scope: Construct, id: string, props: WebhookApiProps) {
    super(scope, id);

    const functions = {} as Record<ProviderName, PipelineFunction>;
    for (const { name: provider, secret, unsignedHandshake } of REGISTRY.providers) {
      const tokenStores = unsignedHandshake ? [unsignedHandshake.store.name] : [];
      const rules = props.eventFilters[provider];
      const fn = new PipelineFunction(this, `Ingest${pascal(provider)}`, {
        entry: "functions/ingest/handler.ts",
        description: `Verifies ${provider} webhooks and puts them on the webhook queue`,
        // Slack wants an answer within 3 s; a queue that is slower than this gets a 503 and a retry.
        timeout: Duration.seconds(10),
        memorySize: 256,
        logRetention: props.logRetention,
        logLevel: props.logLevel,
        // S3 is loaded only for a payload too large for one queue message, DynamoDB only for the
        // audit trail's first record; bundling them would double the bundle every cold start loads.
        runtimeProvidedModules: [S3_SDK_MODULE, ...AUDIT_SDK_MODULES],
        environment: {
          QUEUE_URL: props.queue.queueUrl,
          PROVIDER: provider,
          MAX_BODY_BYTES: String(DEFAULT_MAX_BODY_BYTES),
          MAX_MESSAGE_BYTES: String(SQS_MAX_MESSAGE_BYTES),
          PAYLOAD_BUCKET: props.payloads.bucket.bucketName,
          VERSION: props.version,
          SECRETS_CACHE_SECONDS: String(props.secretsCacheSeconds),
          EVENTS_TABLE: props.auditTable.tableName,
          TRACING_SAMPLE_RATE: String(props.tracingSampleRate),
          ...(rules ? { EVENT_FILTERS: JSON.stringify({ [provider]: rules }) } : {}),
          ...props.providerEnvironment[provider],
          ...props.secrets.environment(secret.name, ...tokenStores),
        },
      });
      (fn.node.defaultChild as CfnFunction).overrideLogicalId(ingestFunctionLogicalId(provider));
      // SendMessage, and GetQueueAttributes for GET /health: no receive, no delete.
      allow(fn, "SendToWebhookQueue", ["sqs:SendMessage"], [props.queue.queueArn]);
      allow(fn, "CheckWebhookQueue", ["sqs:GetQueueAttributes"], [props.queue.queueArn]);
      // The audit trail: a record per refused or ignored request, and the count of a flood's rest.
      allow(
        fn,
        "RecordRefusedRequests",
        ["dynamodb:PutItem", "dynamodb:UpdateItem"],
        [props.auditTable.tableArn],
      );
      props.payloads.grantObjects(fn, "StoreLargePayloads", "s3:PutObject");
      props.secrets.grantRead(fn, "ReadOwnProviderSecret", secret.name);
      if (tokenStores.length > 0) props.secrets.grantWrite(fn, "StoreHandshakeToken", ...tokenStores);
      functions[provider] = fn;
    }
    this.ingestFunctions = functions;

    this.api = new HttpApi(this, "Api", {
      description:
        "Webhook pipeline: one POST route per provider, verified and queued by its ingest function",
      createDefaultStage: false,
    });

    // Infrequent Access by default: half the ingestion price of a line every request writes, and
    // nothing watches this group (the alarms use API Gateway's own metrics and the functions' EMF),
    // it is only queried with Logs Insights when someone looks into a request.
    this.accessLogs = new LogGroup(this, "AccessLogs", {
      retention: props.logRetention,
      logGroupClass: LogGroupClass[props.accessLogClass],
    });
    if (props.accessLogClass === "INFREQUENT_ACCESS") refuseLogFilters(this.accessLogs);
    this.stage = new HttpStage(this, "DefaultStage", {
      httpApi: this.api,
      stageName: "$default",
      autoDeploy: true,
      throttle: props.throttle,
      accessLogSettings: {
        destination: new LogGroupLogDestination(this.accessLogs),
        // One short line per request, for what only API Gateway sees: requests it answers itself
        // (429 throttled, 404 no route, 413 too large) and ingest invocations that failed or timed
        // out, and the latency the sender saw. `correlation_id` is the request id the ingest record
        // carries beside its event ids (as do the router's lines about records that were not simply
        // delivered; the line of delivered events names them by event id), so a request is found in both.
        // What the ingest record says (provider, event ids, outcome) and what CloudWatch stamps on
        // every event (time) is not repeated; no headers or bodies, so no signature or token.
        format: AccessLogFormat.custom(
          JSON.stringify({
            correlation_id: "$context.requestId",
            ip: "$context.identity.sourceIp",
            request: "$context.httpMethod $context.path",
            status: "$context.status",
            response_ms: "$context.responseLatency",
            error: "$context.integrationErrorMessage",
          }),
        ),
      },
    });

    for (const route of REGISTRY.routes) {
      this.api.addRoutes({
        path: route.path,
        methods: [HttpMethod.POST],
        integration: new HttpLambdaIntegration(`${pascal(route.path)}Integration`, functions[route.provider]),
      });
    }
    // Every ingest function answers GET /health (the queue it sees, the version): one of them takes
    // the route, so no extra function is needed.
    this.api.addRoutes({
      path: HEALTH_PATH,
      methods: [HttpMethod.GET],
      integration: new HttpLambdaIntegration("HealthIntegration", functions[HEALTH_PROVIDER]),
    });

    Validations.of(this.api).acknowledge({
      id: "AwsSolutions-APIG4",
      reason:
        "Webhook senders (Slack, GitHub, PagerDuty, incident.io, Jira, Notion, generic senders) cannot use IAM, JWT or Lambda authorizers; every webhook route is authenticated by its provider's signature or token, verified on the raw body in the ingest function before anything is queued (Notion's one unsigned verification request is never queued). GET /health is public by design.",
    });
  }

  /** The full URL of one webhook path (`$default` stage: no stage prefix). */
  urlOf(path: string): string {
    return `${this.api.apiEndpoint}${path}`;
  }
}
