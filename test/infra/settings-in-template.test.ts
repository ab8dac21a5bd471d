import { AwsSolutionsChecks } from "cdk-nag";
import { beforeAll, describe, expect, it } from "vitest";
import { ROUTER_FUNCTION_LOGICAL_ID } from "../../infra/constructs/router";
import { ingestFunctionLogicalId } from "../../infra/constructs/webhook-api";
import { SECRET_NAMES } from "../../infra/settings";
import { PROVIDER_NAMES } from "../../shared/providers/provider";
import { SEED_EVENT_FILTERS } from "../support/seed-event-filters";
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

const GENERIC_SOURCES = { grafana: { scheme: "hmac-sha256", header: "x-grafana-signature" } };

/** Every setting away from its default, template only (no bundling). */
describe("a stack with every setting changed", () => {
  let synth: SynthesizedPipeline;
  let resources: Record<string, Json>;
  const ofType = (type: string) => Object.entries(resources).filter(([, r]) => r.Type === type);

  beforeAll(() => {
    synth = synthPipeline(
      {
        agentUrl: "https://agent.example.com/webhooks",
        throttleRateLimit: 2.5,
        throttleBurstLimit: 7,
        teamTokenSecretPrefix: "prod/agent-tokens/",
        maxReceiveCount: 8,
        routerBatchSize: 50,
        routerMaxBatchingWindowSeconds: 5,
        routerMaxConcurrency: 3,
        agentTimeoutMs: 20_000,
        defaultTeam: "acme/sre",
        routingTableDeletionProtection: "false",
        logRetentionDays: 90,
        deliveredEventRetentionDays: 3,
        logLevel: "debug",
        accessLogClass: "standard",
        tracingSampleRate: "0.25",
        alarmTopicArn: "arn:aws:sns:us-east-1:123456789012:oncall",
        queueAgeAlarmSeconds: 600,
        secretsCacheSeconds: "120",
        ingestSecretsCacheSeconds: 7200,
        existingSecrets: JSON.stringify({
          SLACK_SIGNING_SECRET: "prod/slack-signing",
          SLACK_BOT_TOKEN: "prod/slack-bot",
        }),
        eventFilters: JSON.stringify(SEED_EVENT_FILTERS),
        genericSources: JSON.stringify(GENERIC_SOURCES),
      },
      { bundle: false },
    );
    resources = synth.template.toJSON().Resources;
  }, 120_000);

  it("defaults the AgentUrl parameter to the agentUrl context value", () => {
    expect(synth.template.toJSON().Parameters.AgentUrl.Default).toBe("https://agent.example.com/webhooks");
  });

  it("applies throttling, redrive, event source and router settings", () => {
    const [, stage] = ofType("AWS::ApiGatewayV2::Stage")[0]!;
    expect(stage.Properties.DefaultRouteSettings).toEqual({
      ThrottlingRateLimit: 2.5,
      ThrottlingBurstLimit: 7,
    });
    const queue = ofType("AWS::SQS::Queue").find(([, q]) => q.Properties.RedrivePolicy)![1];
    expect(queue.Properties.RedrivePolicy.maxReceiveCount).toBe(8);
    const [, mapping] = ofType("AWS::Lambda::EventSourceMapping")[0]!;
    expect(mapping.Properties).toMatchObject({
      BatchSize: 50,
      MaximumBatchingWindowInSeconds: 5,
      ScalingConfig: { MaximumConcurrency: 3 },
    });
    const env = envOf(functionProps(synth.template, ROUTER_FUNCTION_LOGICAL_ID));
    expect(env).toMatchObject({
      MAX_RECEIVE_COUNT: "8",
      AGENT_TIMEOUT_MS: "20000",
      DEFAULT_TEAM: "acme/sre",
      DELIVERED_RETENTION_DAYS: "3",
    });
  });

  it("gives the ingest functions their secrets' cache age and the router its own", () => {
    for (const provider of PROVIDER_NAMES) {
      expect(
        envOf(functionProps(synth.template, ingestFunctionLogicalId(provider))).SECRETS_CACHE_SECONDS,
      ).toBe("7200");
    }
    expect(envOf(functionProps(synth.template, ROUTER_FUNCTION_LOGICAL_ID)).SECRETS_CACHE_SECONDS).toBe(
      "120",
    );
  });

  it("lets the router read team tokens under the configured prefix only", () => {
    const router = functionProps(synth.template, ROUTER_FUNCTION_LOGICAL_ID);
    expect(envOf(router).TEAM_TOKEN_SECRET_PREFIX).toBe("prod/agent-tokens/");
    const tokenArns = statementsOfRole(synth.template, refId(router.Role))
      .filter((s) => actionsOf(s).includes("secretsmanager:GetSecretValue"))
      .flatMap(resourcesOf)
      .map(joinedText)
      .filter((arn) => arn?.endsWith("*"));
    expect(tokenArns).toEqual([
      "arn:<AWS::Partition>:secretsmanager:<AWS::Region>:<AWS::AccountId>:secret:prod/agent-tokens/*",
    ]);
  });

  it("gives each ingest function its own provider's event filters only", () => {
    for (const provider of PROVIDER_NAMES) {
      const env = envOf(functionProps(synth.template, ingestFunctionLogicalId(provider)));
      const rules = (SEED_EVENT_FILTERS as Record<string, unknown>)[provider];
      if (rules) expect(JSON.parse(env.EVENT_FILTERS as string), provider).toEqual({ [provider]: rules });
      else expect(env.EVENT_FILTERS, provider).toBeUndefined();
    }
  });

  it("gives the generic ingest function the generic sources' configuration, and no other function", () => {
    for (const provider of PROVIDER_NAMES) {
      const env = envOf(functionProps(synth.template, ingestFunctionLogicalId(provider)));
      if (provider === "generic")
        expect(JSON.parse(env.GENERIC_WEBHOOK_SOURCES as string)).toEqual(GENERIC_SOURCES);
      else expect(env.GENERIC_WEBHOOK_SOURCES, provider).toBeUndefined();
    }
    expect(
      envOf(functionProps(synth.template, ROUTER_FUNCTION_LOGICAL_ID)).GENERIC_WEBHOOK_SOURCES,
    ).toBeUndefined();
  });

  it("turns off the routing table's deletion protection but still retains it", () => {
    const [, routing] = ofType("AWS::DynamoDB::Table").find(([id]) => id.startsWith("TablesRouting"))!;
    expect(routing.Properties.DeletionProtectionEnabled).toBe(false);
    expect(routing.DeletionPolicy).toBe("Retain");
  });

  it("sets every log group's retention, and the access log's class (Standard: all of them are)", () => {
    for (const [, group] of ofType("AWS::Logs::LogGroup")) expect(group.Properties.RetentionInDays).toBe(90);
    const [, stage] = ofType("AWS::ApiGatewayV2::Stage")[0]!;
    const accessLog = resources[refId(stage.Properties.AccessLogSettings.DestinationArn)]!;
    expect(accessLog.Properties.LogGroupClass).toBe("STANDARD");
  });

  it("logs at the configured level, Lambda's filter let through to it, and traces the configured share", () => {
    for (const [id, fn] of ofType("AWS::Lambda::Function")) {
      expect(fn.Properties.LoggingConfig, id).toMatchObject({
        ApplicationLogLevel: "DEBUG",
        SystemLogLevel: "WARN",
      });
      expect(envOf(fn.Properties).POWERTOOLS_LOG_LEVEL, id).toBe("DEBUG");
    }
    for (const provider of PROVIDER_NAMES) {
      const env = envOf(functionProps(synth.template, ingestFunctionLogicalId(provider)));
      expect(env.TRACING_SAMPLE_RATE, provider).toBe("0.25");
    }
  });

  it("sends alarms to the existing topic and creates none", () => {
    expect(ofType("AWS::SNS::Topic")).toHaveLength(0);
    const alarms = ofType("AWS::CloudWatch::Alarm").map(([, a]) => a.Properties);
    expect(alarms).toHaveLength(4);
    for (const alarm of alarms)
      expect(alarm.AlarmActions).toEqual(["arn:aws:sns:us-east-1:123456789012:oncall"]);
    expect(alarms.find((a) => a.MetricName === "ApproximateAgeOfOldestMessage")!.Threshold).toBe(600);
  });

  it("imports secrets by name: not created, read by their name-based ARN (with Secrets Manager's suffix)", () => {
    expect(ofType("AWS::SecretsManager::Secret")).toHaveLength(SECRET_NAMES.length - 2);
    const slack = functionProps(synth.template, ingestFunctionLogicalId("slack"));
    const arn = JSON.stringify(envOf(slack).SLACK_SIGNING_SECRET_ARN);
    expect(arn).toContain(":secret:prod/slack-signing");
    const statements = statementsOfRole(synth.template, refId(slack.Role));
    const secretRead = statements.find((s) => actionsOf(s).includes("secretsmanager:GetSecretValue"))!;
    expect(JSON.stringify(resourcesOf(secretRead))).toContain(":secret:prod/slack-signing-??????");
    const router = functionProps(synth.template, ROUTER_FUNCTION_LOGICAL_ID);
    const routerRead = statementsOfRole(synth.template, refId(router.Role)).find((s) =>
      actionsOf(s).includes("secretsmanager:GetSecretValue"),
    )!;
    expect(JSON.stringify(resourcesOf(routerRead))).toContain(":secret:prod/slack-bot-??????");
  });

  it("still passes cdk-nag's AwsSolutions checks", () => {
    expect(new AwsSolutionsChecks().validateScope(synth.stack).violations.map((v) => v.ruleName)).toEqual([]);
  });
});
