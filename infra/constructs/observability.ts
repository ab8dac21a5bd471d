import { Duration, Stack } from "aws-cdk-lib";
import type { HttpApi } from "aws-cdk-lib/aws-apigatewayv2";
import {
  Alarm,
  ComparisonOperator,
  Dashboard,
  GraphWidget,
  type IMetric,
  MathExpression,
  Metric,
  SingleValueWidget,
  TextWidget,
  TreatMissingData,
} from "aws-cdk-lib/aws-cloudwatch";
import { SnsAction } from "aws-cdk-lib/aws-cloudwatch-actions";
import { ServicePrincipal } from "aws-cdk-lib/aws-iam";
import { Key } from "aws-cdk-lib/aws-kms";
import type { IFunction } from "aws-cdk-lib/aws-lambda";
import { type ITopic, Topic } from "aws-cdk-lib/aws-sns";
import { EmailSubscription } from "aws-cdk-lib/aws-sns-subscriptions";
import type { IQueue } from "aws-cdk-lib/aws-sqs";
import { Construct } from "constructs";
import type { AgentErrorClass } from "../../shared/agent/agent-result";
import { POWERTOOLS_ENV } from "./lambda-defaults";

/**
 * The EMF metrics the dashboard and alarms read (seed 000's "webhook metrics"). Ingest counts each
 * request once by its outcome (dimension `provider`, and `reason` for rejections): the
 * receipt rate is their sum, so no request pays for a separate received count. The router publishes `EventsUnrouted`, `EndToEndLatency` and `AgentErrors`
 * (dimensions `service` and `class`) on its log lines (functions/router/record-result.ts). The dashboard finds every series with SEARCH whatever its
 * dimensions; the agent error rate alarm needs exact series, one per error class.
 */
export const PIPELINE_METRICS = {
  namespace: POWERTOOLS_ENV.POWERTOOLS_METRICS_NAMESPACE,
  service: POWERTOOLS_ENV.POWERTOOLS_SERVICE_NAME,
  /** Every ingest outcome's count: together, every request received. */
  receivedByOutcome: ["WebhooksAccepted", "WebhooksIgnored", "WebhooksRejected", "WebhooksUnavailable"],
  rejected: "WebhooksRejected",
  badSignatureReason: "bad_signature",
  unrouted: "EventsUnrouted",
  agentErrors: "AgentErrors",
  endToEndLatency: "EndToEndLatency",
} as const;

/** Every `class` the router counts `AgentErrors` under (a new class fails the type check below). */
export const AGENT_ERROR_CLASSES = [
  "retryable",
  "timeout",
  "network",
  "permanent",
  "bad_url",
] as const satisfies readonly AgentErrorClass[];
type UncountedAgentErrorClass = Exclude<AgentErrorClass, (typeof AGENT_ERROR_CLASSES)[number]>;
const everyAgentErrorClassCounted: [UncountedAgentErrorClass] extends [never]
  ? true
  : UncountedAgentErrorClass = true;
void everyAgentErrorClassCounted;

export interface ObservabilityProps {
  api: HttpApi;
  queue: IQueue;
  deadLetterQueue: IQueue;
  ingestFunctions: readonly IFunction[];
  router: IFunction;
  alarmEmail?: string;
  alarmTopicArn?: string;
  queueAgeAlarmSeconds: number;
  agentErrorRateAlarmPercent: number;
  api5xxAlarmThreshold: number;
}

const ONE_MINUTE = Duration.minutes(1);
const FIVE_MINUTES = Duration.minutes(5);

/**
 * Every series of the named pipeline metrics, whatever their dimensions (`extra`: more SEARCH terms).
 * `total` adds them all up into one series.
 */
function search(
  metricNames: string | readonly string[],
  statistic: string,
  options: { extra?: string; total?: string } = {},
): MathExpression {
  const names = (typeof metricNames === "string" ? [metricNames] : metricNames).map(
    (name) => `MetricName="${name}"`,
  );
  const terms = [
    `Namespace="${PIPELINE_METRICS.namespace}"`,
    names.length > 1 ? `(${names.join(" OR ")})` : names[0],
    ...(options.extra ? [options.extra] : []),
  ];
  const expression = `SEARCH('${terms.join(" ")}', '${statistic}', 60)`;
  return new MathExpression({
    expression: options.total ? `SUM(${expression})` : expression,
    period: ONE_MINUTE,
    usingMetrics: {},
    ...(options.total ? { label: options.total } : {}),
  });
}

/** Sends every state change of `alarms` (into alarm and back to OK) to each of `topics`. */
export function notifyTopics(alarms: Iterable<Alarm>, topics: readonly ITopic[]): void {
  for (const alarm of alarms) {
    for (const topic of topics) {
      alarm.addAlarmAction(new SnsAction(topic));
      alarm.addOkAction(new SnsAction(topic));
    }
  }
}

/**
 * The CloudWatch dashboard (receipt rate, signature failures, routing failures, agent errors,
 * end-to-end latency, queue depth, age of the oldest message, dead letters) and the alarms on dead
 * letters, old messages, the agent error rate and API 5xx, sent to an SNS topic when one is given.
 */
export class Observability extends Construct {
  readonly dashboard: Dashboard;
  readonly alarms: {
    deadLetters: Alarm;
    oldestMessageAge: Alarm;
    agentErrorRate: Alarm;
    api5xx: Alarm;
  };
  /** The topic alarm actions go to, when `alarmEmail` or `alarmTopicArn` is set. */
  readonly alarmTopics: ITopic[] = [];

  constructor(scope: Construct, id: string, props: ObservabilityProps) {
    super(scope, id);

    if (props.alarmEmail) {
      // A customer managed key: CloudWatch cannot publish to a topic encrypted with aws/sns.
      const key = new Key(this, "AlarmTopicKey", {
        description: "Encrypts the webhook pipeline's alarm topic",
        enableKeyRotation: true,
      });
      key.grant(new ServicePrincipal("cloudwatch.amazonaws.com"), "kms:Decrypt", "kms:GenerateDataKey");
      const topic = new Topic(this, "AlarmTopic", {
        displayName: "Webhook pipeline alarms",
        masterKey: key,
        enforceSSL: true,
      });
      topic.addSubscription(new EmailSubscription(props.alarmEmail));
      this.alarmTopics.push(topic);
    }
    if (props.alarmTopicArn) {
      this.alarmTopics.push(Topic.fromTopicArn(this, "ExistingAlarmTopic", props.alarmTopicArn));
    }

    const agentErrorsByClass = Object.fromEntries(
      AGENT_ERROR_CLASSES.map((errorClass) => [
        `errors_${errorClass}`,
        new Metric({
          namespace: PIPELINE_METRICS.namespace,
          metricName: PIPELINE_METRICS.agentErrors,
          dimensionsMap: { service: PIPELINE_METRICS.service, class: errorClass },
          statistic: "Sum",
          period: FIVE_MINUTES,
        }),
      ]),
    );
    const agentErrorSum = Object.keys(agentErrorsByClass)
      .map((id) => `FILL(${id}, 0)`)
      .join(" + ");
    const messagesReceived = props.queue.metricNumberOfMessagesReceived({
      statistic: "Sum",
      period: FIVE_MINUTES,
    });
    const agentErrorRate = new MathExpression({
      expression: `IF(FILL(received, 0) > 0, 100 * (${agentErrorSum}) / FILL(received, 0), 0)`,
      usingMetrics: { ...agentErrorsByClass, received: messagesReceived },
      label: "Agent errors per received message (%)",
      period: FIVE_MINUTES,
    });
    const deadLetters = props.deadLetterQueue.metricApproximateNumberOfMessagesVisible({
      statistic: "Maximum",
      period: ONE_MINUTE,
    });
    const oldestMessageAge = props.queue.metricApproximateAgeOfOldestMessage({
      statistic: "Maximum",
      period: ONE_MINUTE,
    });
    const api5xx = props.api.metricServerError({ statistic: "Sum", period: FIVE_MINUTES });

    const stackName = Stack.of(this).stackName;
    this.alarms = {
      deadLetters: new Alarm(this, "DeadLettersAlarm", {
        alarmDescription: `${stackName}: messages in the dead-letter queue (events that exhausted their retries): inspect and redrive`,
        metric: deadLetters,
        threshold: 1,
        comparisonOperator: ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
        evaluationPeriods: 1,
        treatMissingData: TreatMissingData.NOT_BREACHING,
      }),
      oldestMessageAge: new Alarm(this, "OldestMessageAgeAlarm", {
        alarmDescription: `${stackName}: the oldest queued webhook waited over ${props.queueAgeAlarmSeconds} s (router stuck, throttled or the agent down)`,
        metric: oldestMessageAge,
        threshold: props.queueAgeAlarmSeconds,
        comparisonOperator: ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
        evaluationPeriods: 3,
        treatMissingData: TreatMissingData.NOT_BREACHING,
      }),
      agentErrorRate: new Alarm(this, "AgentErrorRateAlarm", {
        alarmDescription: `${stackName}: over ${props.agentErrorRateAlarmPercent}% of routed messages failed at the agent`,
        metric: agentErrorRate,
        threshold: props.agentErrorRateAlarmPercent,
        comparisonOperator: ComparisonOperator.GREATER_THAN_THRESHOLD,
        evaluationPeriods: 3,
        datapointsToAlarm: 2,
        treatMissingData: TreatMissingData.NOT_BREACHING,
      }),
      api5xx: new Alarm(this, "Api5xxAlarm", {
        alarmDescription: `${stackName}: the webhook API answered 5xx ${props.api5xxAlarmThreshold}+ times in 5 minutes (providers are retrying)`,
        metric: api5xx,
        threshold: props.api5xxAlarmThreshold,
        comparisonOperator: ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
        evaluationPeriods: 1,
        treatMissingData: TreatMissingData.NOT_BREACHING,
      }),
    };
    notifyTopics(Object.values(this.alarms), this.alarmTopics);

    const m = PIPELINE_METRICS;
    const graph = (title: string, left: IMetric[], width = 8) =>
      new GraphWidget({ title, left, width, height: 6 });
    const lambdaSeries = (fns: readonly IFunction[], metric: (fn: IFunction) => IMetric) => fns.map(metric);

    this.dashboard = new Dashboard(this, "Dashboard", { defaultInterval: Duration.hours(3) });
    this.dashboard.addWidgets(
      new TextWidget({
        markdown:
          "## Webhook pipeline\nReceipt → signature check → queue → routing → agent. Pipeline metrics are EMF in namespace `WebhookPipeline`.",
        width: 24,
        height: 2,
      }),
    );
    this.dashboard.addWidgets(
      graph("Receipt rate (webhooks/min, by outcome and provider)", [
        search(m.receivedByOutcome, "Sum", { total: "all webhooks" }),
        search(m.receivedByOutcome, "Sum"),
      ]),
      graph("Signature failures (401s by provider)", [
        search(m.rejected, "Sum", { extra: `reason="${m.badSignatureReason}"` }),
      ]),
      graph("API requests and errors", [
        props.api.metricCount({ statistic: "Sum", period: ONE_MINUTE, label: "requests" }),
        props.api.metricClientError({ statistic: "Sum", period: ONE_MINUTE, label: "4xx" }),
        props.api.metricServerError({ statistic: "Sum", period: ONE_MINUTE, label: "5xx" }),
      ]),
    );
    this.dashboard.addWidgets(
      graph("Routing failures (unrouted events)", [search(m.unrouted, "Sum")]),
      graph("Agent errors", [search(m.agentErrors, "Sum"), agentErrorRate]),
      graph("End-to-end latency (received → delivered, ms)", [
        search(m.endToEndLatency, "p50"),
        search(m.endToEndLatency, "p99"),
      ]),
    );
    this.dashboard.addWidgets(
      graph("Queue depth", [
        props.queue.metricApproximateNumberOfMessagesVisible({ period: ONE_MINUTE, label: "visible" }),
        props.queue.metricApproximateNumberOfMessagesNotVisible({ period: ONE_MINUTE, label: "in flight" }),
      ]),
      graph("Age of oldest message (s)", [oldestMessageAge]),
      new SingleValueWidget({
        title: "Dead-letter queue depth",
        metrics: [deadLetters],
        width: 8,
        height: 6,
      }),
    );
    this.dashboard.addWidgets(
      graph(
        "Ingest errors and throttles",
        [
          ...lambdaSeries(props.ingestFunctions, (fn) => fn.metricErrors({ period: ONE_MINUTE })),
          ...lambdaSeries(props.ingestFunctions, (fn) => fn.metricThrottles({ period: ONE_MINUTE })),
        ],
        12,
      ),
      graph(
        "Router invocations, errors, duration",
        [
          props.router.metricInvocations({ period: ONE_MINUTE }),
          props.router.metricErrors({ period: ONE_MINUTE }),
          props.router.metricDuration({ period: ONE_MINUTE, statistic: "p99" }),
        ],
        12,
      ),
    );
  }
}
