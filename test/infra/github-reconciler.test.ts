import { Validations } from "aws-cdk-lib";
import { AwsSolutionsChecks } from "cdk-nag";
import { beforeAll, describe, expect, it } from "vitest";
import { GITHUB_RECONCILER_FUNCTION_LOGICAL_ID } from "../../infra/constructs/github-reconciler";
import { InvalidSettingError, readSettings } from "../../infra/settings";
import { EVENTS_TABLE, GITHUB_RECONCILER } from "../../shared/config/resources";
import {
  actionsOf,
  envOf,
  functionProps,
  type Json,
  joinedText,
  refId,
  resourcesOf,
  type SynthesizedPipeline,
  statementsOfRole,
  synthPipeline,
} from "./synth-pipeline";

const SECRET_NAME = "prod/github-app";
const from = (values: Record<string, unknown>) => (name: string) => values[name];

const resourcesOfType = (synth: SynthesizedPipeline, type: string): [string, Json][] =>
  Object.entries(synth.template.toJSON().Resources as Record<string, Json>).filter(
    ([, r]) => r.Type === type,
  );

describe("the GitHub reconciler", () => {
  it("is not deployed without githubAppSecretName: no function, schedule, alarm or grant for it", () => {
    const synth = synthPipeline({}, { bundle: false });
    const resources = synth.template.toJSON().Resources as Record<string, Json>;
    expect(resources[GITHUB_RECONCILER_FUNCTION_LOGICAL_ID]).toBeUndefined();
    expect(resourcesOfType(synth, "AWS::Events::Rule")).toEqual([]);
    expect(JSON.stringify(resources)).not.toContain("GitHubRedeliveriesFailed");
    expect(JSON.stringify(resources)).not.toContain("github-reconcile");
  }, 120_000);

  describe("with githubAppSecretName (and an alarm email)", () => {
    let synth: SynthesizedPipeline;

    beforeAll(() => {
      synth = synthPipeline(
        { githubAppSecretName: SECRET_NAME, alarmEmail: "oncall@example.com" },
        {
          bundle: false,
          beforeSynth: (app) => Validations.of(app).addPlugins(new AwsSolutionsChecks(app)),
        },
      );
    }, 120_000);

    it("runs the reconcile handler on nodejs22.x arm64, configured by its environment", () => {
      const fn = functionProps(synth.template, GITHUB_RECONCILER_FUNCTION_LOGICAL_ID);
      expect(fn).toMatchObject({
        Runtime: "nodejs22.x",
        Architectures: ["arm64"],
        Timeout: GITHUB_RECONCILER.timeoutMinutes * 60,
      });
      const env = envOf(fn);
      expect(env).toMatchObject({
        GITHUB_API_URL: "https://api.github.com",
        GITHUB_RECONCILE_WINDOW_MINUTES: "120",
        GITHUB_RECONCILE_MAX: "100",
      });
      expect(joinedText(env.GITHUB_APP_CREDENTIALS_ARN)).toBe(
        `arn:<AWS::Partition>:secretsmanager:<AWS::Region>:<AWS::AccountId>:secret:${SECRET_NAME}`,
      );
      expect(refId(env.EVENTS_TABLE)).toMatch(/^TablesEvents/);
      expect(refId(env.IDEMPOTENCY_TABLE)).toMatch(/^TablesIdempotency/);
      // No retries beside the next scheduled run.
      const [, invokeConfig] = resourcesOfType(synth, "AWS::Lambda::EventInvokeConfig")[0]!;
      expect(invokeConfig.Properties).toMatchObject({ MaximumRetryAttempts: 0 });
      expect(refId(invokeConfig.Properties.FunctionName)).toBe(GITHUB_RECONCILER_FUNCTION_LOGICAL_ID);
    });

    it("is invoked every 15 minutes by an EventBridge rule", () => {
      const rules = resourcesOfType(synth, "AWS::Events::Rule");
      expect(rules).toHaveLength(1);
      const [, rule] = rules[0]!;
      expect(rule.Properties.ScheduleExpression).toBe("rate(15 minutes)");
      expect(rule.Properties.State).toBe("ENABLED");
      expect(rule.Properties.Targets).toHaveLength(1);
      expect(refId(rule.Properties.Targets[0].Arn)).toBe(GITHUB_RECONCILER_FUNCTION_LOGICAL_ID);
      const permissions = resourcesOfType(synth, "AWS::Lambda::Permission").filter(
        ([, p]) => p.Properties.Principal === "events.amazonaws.com",
      );
      expect(permissions).toHaveLength(1);
      expect(refId(permissions[0]![1].Properties.FunctionName)).toBe(GITHUB_RECONCILER_FUNCTION_LOGICAL_ID);
    });

    it("may read that one secret, the claims and the events it needs, and write only redelivery records", () => {
      const role = refId(functionProps(synth.template, GITHUB_RECONCILER_FUNCTION_LOGICAL_ID).Role);
      const all = statementsOfRole(synth.template, role);
      // Every pipeline function may write its own logs and pass X-Ray segments on (no resource-level permission).
      const tracing = all.filter((s) => s.Sid === undefined);
      expect(tracing.flatMap(actionsOf).sort()).toEqual([
        "xray:PutTelemetryRecords",
        "xray:PutTraceSegments",
      ]);
      const statements = all.filter((s) => s.Sid !== undefined && s.Sid !== "WriteOwnLogs");
      const bySid = Object.fromEntries(statements.map((s) => [s.Sid, s]));
      expect(Object.keys(bySid).sort()).toEqual(
        [
          "ReadAndRecordRedeliveries",
          "ReadDeliveryClaims",
          "ReadGitHubAppCredentials",
          "ReadOutcomesByStatus",
        ].sort(),
      );
      for (const s of statements) expect(s.Effect).toBe("Allow");

      const secret = bySid.ReadGitHubAppCredentials!;
      expect(actionsOf(secret)).toEqual(["secretsmanager:GetSecretValue"]);
      expect(resourcesOf(secret).map(joinedText)).toEqual([
        `arn:<AWS::Partition>:secretsmanager:<AWS::Region>:<AWS::AccountId>:secret:${SECRET_NAME}-??????`,
      ]);

      const claims = bySid.ReadDeliveryClaims!;
      expect(actionsOf(claims)).toEqual(["dynamodb:GetItem"]);
      expect(resourcesOf(claims).map(refId)).toEqual([expect.stringMatching(/^TablesIdempotency/)]);

      const events = bySid.ReadAndRecordRedeliveries!;
      expect(actionsOf(events).sort()).toEqual([
        "dynamodb:GetItem",
        "dynamodb:PutItem",
        "dynamodb:UpdateItem",
      ]);
      expect(resourcesOf(events).map(refId)).toEqual([expect.stringMatching(/^TablesEvents/)]);

      const index = bySid.ReadOutcomesByStatus!;
      expect(actionsOf(index)).toEqual(["dynamodb:Query"]);
      const [indexArn] = resourcesOf(index) as Json[];
      const parts = indexArn!["Fn::Join"][1] as unknown[];
      expect(refId(parts[0])).toMatch(/^TablesEvents/);
      expect(parts[1]).toBe(`/index/${EVENTS_TABLE.statusIndex.name}`);

      // Nothing anywhere else: no other table, secret, queue or wildcard.
      const everything = JSON.stringify(statements);
      expect(everything).not.toMatch(/sqs:|s3:|dynamodb:(Scan|DeleteItem|BatchWriteItem)|"\*"/);
    });

    it("alarms to the alarm topic when a redelivery fails, and when two runs in a row fail", () => {
      const alarms = resourcesOfType(synth, "AWS::CloudWatch::Alarm").map(([, a]) => a.Properties);
      const [topicId] = resourcesOfType(synth, "AWS::SNS::Topic")[0]!;
      const redelivery = alarms.find((a) => a.MetricName === GITHUB_RECONCILER.metrics.redeliveriesFailed);
      expect(redelivery).toMatchObject({
        Namespace: "WebhookPipeline",
        Dimensions: [{ Name: "service", Value: "webhook-pipeline" }],
        Statistic: "Sum",
        Period: 900,
        Threshold: 1,
        ComparisonOperator: "GreaterThanOrEqualToThreshold",
        EvaluationPeriods: 1,
        TreatMissingData: "notBreaching",
      });
      expect(redelivery!.AlarmActions.map(refId)).toEqual([topicId]);

      const runs = alarms.find(
        (a) =>
          a.MetricName === "Errors" &&
          a.Dimensions?.some(
            (d: Json) =>
              d.Name === "FunctionName" && refId(d.Value) === GITHUB_RECONCILER_FUNCTION_LOGICAL_ID,
          ),
      );
      expect(runs).toMatchObject({ Namespace: "AWS/Lambda", EvaluationPeriods: 2, DatapointsToAlarm: 2 });
      expect(runs!.AlarmActions.map(refId)).toEqual([topicId]);
    });

    it("passes cdk-nag's AWS Solutions checks with no new acknowledgement", () => {
      const report = new AwsSolutionsChecks().validateScope(synth.stack);
      expect(report.violations.map((v) => v.ruleName)).toEqual([]);
    });
  });

  it("takes its rate, window, maximum and API URL from context", () => {
    const synth = synthPipeline(
      {
        githubAppSecretName: SECRET_NAME,
        githubReconcileRateMinutes: "30",
        githubReconcileWindowMinutes: 360,
        githubReconcileMax: 5,
        githubApiUrl: "https://github.example.com/api/v3",
      },
      { bundle: false },
    );
    const [, rule] = resourcesOfType(synth, "AWS::Events::Rule")[0]!;
    expect(rule.Properties.ScheduleExpression).toBe("rate(30 minutes)");
    expect(envOf(functionProps(synth.template, GITHUB_RECONCILER_FUNCTION_LOGICAL_ID))).toMatchObject({
      GITHUB_API_URL: "https://github.example.com/api/v3",
      GITHUB_RECONCILE_WINDOW_MINUTES: "360",
      GITHUB_RECONCILE_MAX: "5",
    });
    const alarm = resourcesOfType(synth, "AWS::CloudWatch::Alarm")
      .map(([, a]) => a.Properties)
      .find((a) => a.MetricName === GITHUB_RECONCILER.metrics.redeliveriesFailed);
    expect(alarm.Period).toBe(1800);
    expect(alarm.AlarmActions).toBeUndefined();
  }, 120_000);
});

describe("the GitHub reconciler's settings", () => {
  it("default to every 15 minutes over the last 2 hours, 100 redeliveries a run, api.github.com", () => {
    expect(readSettings(from({}))).toMatchObject({
      githubReconcileRateMinutes: 15,
      githubReconcileWindowMinutes: 120,
      githubReconcileMax: 100,
      githubApiUrl: "https://api.github.com",
    });
    expect(readSettings(from({})).githubAppSecretName).toBeUndefined();
  });

  it("stretch the default window to a rate longer than it, so no delivery falls between runs", () => {
    expect(readSettings(from({ githubReconcileRateMinutes: 180 })).githubReconcileWindowMinutes).toBe(180);
  });

  it.each([
    [{ githubReconcileRateMinutes: 9 }, "githubReconcileRateMinutes", "between 10 and 720"],
    [{ githubReconcileRateMinutes: 721 }, "githubReconcileRateMinutes", "between 10 and 720"],
    [{ githubReconcileRateMinutes: "often" }, "githubReconcileRateMinutes", "whole number"],
    [
      { githubReconcileRateMinutes: 60, githubReconcileWindowMinutes: 30 },
      "githubReconcileWindowMinutes",
      "at least githubReconcileRateMinutes",
    ],
    [{ githubReconcileWindowMinutes: 20_000 }, "githubReconcileWindowMinutes", "between 15 and 10080"],
    [{ githubReconcileMax: 0 }, "githubReconcileMax", "between 1 and 1000"],
    [{ githubApiUrl: "http://github.example.com" }, "githubApiUrl", "https://"],
    [{ githubAppSecretName: "my secret*" }, "githubAppSecretName", "Secrets Manager secret name"],
  ])("refuse %j naming %s", (context, setting, problem) => {
    let caught: unknown;
    try {
      readSettings(from(context));
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(InvalidSettingError);
    expect((caught as InvalidSettingError).setting).toBe(setting);
    expect((caught as Error).message).toContain(problem);
  });
});
