import { ArnFormat, Duration, Stack } from "aws-cdk-lib";
import { Alarm, ComparisonOperator, Metric, TreatMissingData } from "aws-cdk-lib/aws-cloudwatch";
import type { ITable } from "aws-cdk-lib/aws-dynamodb";
import { Rule, Schedule } from "aws-cdk-lib/aws-events";
import { LambdaFunction } from "aws-cdk-lib/aws-events-targets";
import type { CfnFunction } from "aws-cdk-lib/aws-lambda";
import type { RetentionDays } from "aws-cdk-lib/aws-logs";
import type { ITopic } from "aws-cdk-lib/aws-sns";
import { Construct } from "constructs";
import { EVENTS_TABLE, GITHUB_RECONCILER } from "../../shared/config/resources";
import type { LogLevel } from "../settings";
import { allow, PipelineFunction } from "./lambda-defaults";
import { notifyTopics, PIPELINE_METRICS } from "./observability";

export const GITHUB_RECONCILER_FUNCTION_LOGICAL_ID = "GithubReconcilerFunction";

export interface GitHubReconcilerProps {
  /** The existing secret holding the GitHub App's `{"app_id", "private_key"}`. */
  appSecretName: string;
  eventsTable: ITable;
  idempotencyTable: ITable;
  rateMinutes: number;
  windowMinutes: number;
  maxRedeliveries: number;
  apiUrl: string;
  secretsCacheSeconds: number;
  logRetention: RetentionDays;
  logLevel: LogLevel;
  /** Where the alarms go (the pipeline's alarm topics). */
  alarmTopics: readonly ITopic[];
}

/**
 * Recovers the GitHub deliveries GitHub never retries: on a schedule, lists the App's deliveries of
 * the last window, and asks GitHub to redeliver each one that got no 2xx and that the pipeline did
 * not accept, recording each request in the audit trail (events table). It reads the App's secret,
 * reads the delivery guard's claims and the events table, and writes its own records to the events
 * table; nothing else. Two alarms: a redelivery GitHub refused, and runs that fail (bad credentials,
 * GitHub unavailable) twice in a row.
 */
export class GitHubReconciler extends Construct {
  readonly function: PipelineFunction;
  readonly rule: Rule;
  readonly alarms: { redeliveryFailed: Alarm; runsFailing: Alarm };

  constructor(scope: Construct, id: string, props: GitHubReconcilerProps) {
    super(scope, id);
    const secretArn = Stack.of(this).formatArn({
      service: "secretsmanager",
      resource: "secret",
      resourceName: props.appSecretName,
      arnFormat: ArnFormat.COLON_RESOURCE_NAME,
    });
    const fn = new PipelineFunction(this, "Function", {
      entry: "functions/github-reconcile/handler.ts",
      description: "Asks GitHub to redeliver webhooks that never reached the pipeline",
      timeout: Duration.minutes(GITHUB_RECONCILER.timeoutMinutes),
      memorySize: 256,
      logRetention: props.logRetention,
      logLevel: props.logLevel,
      environment: {
        EVENTS_TABLE: props.eventsTable.tableName,
        IDEMPOTENCY_TABLE: props.idempotencyTable.tableName,
        // A partial ARN (no random suffix): Secrets Manager resolves it to the secret of that name.
        GITHUB_APP_CREDENTIALS_ARN: secretArn,
        GITHUB_API_URL: props.apiUrl,
        GITHUB_RECONCILE_WINDOW_MINUTES: String(props.windowMinutes),
        GITHUB_RECONCILE_MAX: String(props.maxRedeliveries),
        SECRETS_CACHE_SECONDS: String(props.secretsCacheSeconds),
      },
    });
    (fn.node.defaultChild as CfnFunction).overrideLogicalId(GITHUB_RECONCILER_FUNCTION_LOGICAL_ID);
    // The next scheduled run covers a failed one (its window overlaps): no asynchronous retries,
    // which could run beside it.
    fn.configureAsyncInvoke({ retryAttempts: 0 });
    this.function = fn;

    // The secret's ARN ends in `-` and six random characters Secrets Manager adds.
    allow(fn, "ReadGitHubAppCredentials", ["secretsmanager:GetSecretValue"], [`${secretArn}-??????`]);
    allow(fn, "ReadDeliveryClaims", ["dynamodb:GetItem"], [props.idempotencyTable.tableArn]);
    // Outcomes of accepted events the guard holds no claim for are found through the status index.
    allow(
      fn,
      "ReadOutcomesByStatus",
      ["dynamodb:Query"],
      [`${props.eventsTable.tableArn}/index/${EVENTS_TABLE.statusIndex.name}`],
    );
    allow(
      fn,
      "ReadAndRecordRedeliveries",
      ["dynamodb:GetItem", "dynamodb:PutItem", "dynamodb:UpdateItem"],
      [props.eventsTable.tableArn],
    );

    this.rule = new Rule(this, "Schedule", {
      description: `Reconciles GitHub's webhook deliveries of the last ${props.windowMinutes} minutes`,
      schedule: Schedule.rate(Duration.minutes(props.rateMinutes)),
      targets: [new LambdaFunction(fn, { retryAttempts: 0 })],
    });

    const period = Duration.minutes(props.rateMinutes);
    const stackName = Stack.of(this).stackName;
    this.alarms = {
      redeliveryFailed: new Alarm(this, "RedeliveryFailedAlarm", {
        alarmDescription: `${stackName}: GitHub refused or failed a redelivery the reconciler asked for (its log line names the delivery and GitHub's answer); the event stays lost until it is redelivered`,
        metric: new Metric({
          namespace: PIPELINE_METRICS.namespace,
          metricName: GITHUB_RECONCILER.metrics.redeliveriesFailed,
          dimensionsMap: { service: PIPELINE_METRICS.service },
          statistic: "Sum",
          period,
        }),
        threshold: 1,
        comparisonOperator: ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
        evaluationPeriods: 1,
        treatMissingData: TreatMissingData.NOT_BREACHING,
      }),
      runsFailing: new Alarm(this, "RunsFailingAlarm", {
        alarmDescription: `${stackName}: the GitHub reconciler failed two runs in a row (credentials secret, GitHub API): nothing is being recovered`,
        metric: fn.metricErrors({ statistic: "Sum", period }),
        threshold: 1,
        comparisonOperator: ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
        evaluationPeriods: 2,
        datapointsToAlarm: 2,
        treatMissingData: TreatMissingData.NOT_BREACHING,
      }),
    };
    notifyTopics(Object.values(this.alarms), props.alarmTopics);
  }
}
