import { Duration, Validations } from "aws-cdk-lib";
import { AccessLogFormat } from "aws-cdk-lib/aws-apigateway";
import { HttpApi, HttpMethod, HttpStage, LogGroupLogDestination } from "aws-cdk-lib/aws-apigatewayv2";
import { HttpLambdaIntegration } from "aws-cdk-lib/aws-apigatewayv2-integrations";
import type { CfnFunction } from "aws-cdk-lib/aws-lambda";
import { LogGroup, type RetentionDays } from "aws-cdk-lib/aws-logs";
import type { IQueue } from "aws-cdk-lib/aws-sqs";
import { Construct } from "constructs";
import { SQS_MAX_MESSAGE_BYTES } from "../../shared/config/ingest-config";
import { PROVIDER_NAMES, type ProviderName } from "../../shared/providers/provider";
import { WEBHOOK_ROUTES } from "../../shared/providers/registry";
import type { SecretName } from "../../shared/secrets/secret-reader";
import { allow, PipelineFunction } from "./lambda-defaults";
import type { PipelineSecrets } from "./secrets";

/** The one secret each provider's ingest function may read. */
export const PROVIDER_SECRET: Readonly<Record<ProviderName, SecretName>> = {
  slack: "SLACK_SIGNING_SECRET",
  github: "GITHUB_WEBHOOK_SECRET",
  pagerduty: "PAGERDUTY_WEBHOOK_SECRET",
  incidentio: "INCIDENTIO_WEBHOOK_SECRET",
  jira: "JIRA_WEBHOOK_SECRET",
  generic: "GENERIC_WEBHOOK_SECRETS",
};

export const pascal = (words: string) =>
  words
    .split(/[^A-Za-z0-9]+/)
    .filter(Boolean)
    .map((w) => w[0]!.toUpperCase() + w.slice(1))
    .join("");

/** `IngestSlackFunction`: a stable logical ID, so `sam local invoke` commands can be written down. */
export const ingestFunctionLogicalId = (provider: ProviderName) => `Ingest${pascal(provider)}Function`;

/** The route seed 001 leaves unthrottled in spirit; here it shares the stage's limits. */
export const HEALTH_PATH = "/health";

export interface WebhookApiProps {
  queue: IQueue;
  secrets: PipelineSecrets;
  throttle: { rateLimit: number; burstLimit: number };
  logRetention: RetentionDays;
  secretsCacheSeconds: number;
}

/**
 * The HTTP API (payload format 2.0) with a `POST` route per webhook path, each integrated with
 * its provider's own ingest function: the same bundle, a `PROVIDER` variable, permission to send
 * to the queue and to read that provider's secret and nothing else. The `$default` stage carries
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
    for (const provider of PROVIDER_NAMES) {
      const secretName = PROVIDER_SECRET[provider];
      const fn = new PipelineFunction(this, `Ingest${pascal(provider)}`, {
        entry: "functions/ingest/handler.ts",
        description: `Verifies ${provider} webhooks and puts them on the webhook queue`,
        // Slack wants an answer within 3 s; a queue that is slower than this gets a 503 and a retry.
        timeout: Duration.seconds(10),
        memorySize: 256,
        logRetention: props.logRetention,
        environment: {
          QUEUE_URL: props.queue.queueUrl,
          PROVIDER: provider,
          MAX_BODY_BYTES: String(SQS_MAX_MESSAGE_BYTES),
          MAX_MESSAGE_BYTES: String(SQS_MAX_MESSAGE_BYTES),
          SECRETS_CACHE_SECONDS: String(props.secretsCacheSeconds),
          ...props.secrets.environment(secretName),
        },
      });
      (fn.node.defaultChild as CfnFunction).overrideLogicalId(ingestFunctionLogicalId(provider));
      // SendMessage only: no receive, no delete, no queue attributes.
      allow(fn, "SendToWebhookQueue", ["sqs:SendMessage"], [props.queue.queueArn]);
      props.secrets.grantRead(fn, "ReadOwnProviderSecret", secretName);
      functions[provider] = fn;
    }
    this.ingestFunctions = functions;

    this.api = new HttpApi(this, "Api", {
      description:
        "Webhook pipeline: one POST route per provider, verified and queued by its ingest function",
      createDefaultStage: false,
    });

    this.accessLogs = new LogGroup(this, "AccessLogs", { retention: props.logRetention });
    this.stage = new HttpStage(this, "DefaultStage", {
      httpApi: this.api,
      stageName: "$default",
      autoDeploy: true,
      throttle: props.throttle,
      accessLogSettings: {
        destination: new LogGroupLogDestination(this.accessLogs),
        // No headers or bodies: signatures and tokens never reach the access log.
        format: AccessLogFormat.custom(
          JSON.stringify({
            requestId: "$context.requestId",
            ip: "$context.identity.sourceIp",
            requestTime: "$context.requestTime",
            httpMethod: "$context.httpMethod",
            routeKey: "$context.routeKey",
            path: "$context.path",
            status: "$context.status",
            protocol: "$context.protocol",
            responseLength: "$context.responseLength",
            responseLatency: "$context.responseLatency",
            integrationStatus: "$context.integrationStatus",
            integrationLatency: "$context.integrationLatency",
            integrationError: "$context.integrationErrorMessage",
            userAgent: "$context.identity.userAgent",
          }),
        ),
      },
    });

    for (const route of WEBHOOK_ROUTES) {
      this.api.addRoutes({
        path: route.path,
        methods: [HttpMethod.POST],
        integration: new HttpLambdaIntegration(`${pascal(route.path)}Integration`, functions[route.provider]),
      });
    }
    // The ingest handler does not answer GET /health yet (a later issue adds it; until then it
    // returns a JSON 404): the route goes to the Slack ingest function so no extra function is needed.
    this.api.addRoutes({
      path: HEALTH_PATH,
      methods: [HttpMethod.GET],
      integration: new HttpLambdaIntegration("HealthIntegration", functions.slack),
    });

    Validations.of(this.api).acknowledge({
      id: "AwsSolutions-APIG4",
      reason:
        "Webhook senders (Slack, GitHub, PagerDuty, incident.io, Jira, generic HMAC senders) cannot use IAM, JWT or Lambda authorizers; every webhook route is authenticated by its provider's HMAC signature, verified on the raw body in the ingest function before anything is queued. GET /health is public by design.",
    });
  }

  /** The full URL of one webhook path (`$default` stage: no stage prefix). */
  urlOf(path: string): string {
    return `${this.api.apiEndpoint}${path}`;
  }
}
