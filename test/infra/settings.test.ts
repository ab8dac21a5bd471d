import { spawnSync } from "node:child_process";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import {
  DEFAULT_SETTINGS,
  DEFAULT_TEAM_TOKEN_SECRET_PREFIX,
  InvalidSettingError,
  readSettings,
} from "../../infra/settings";
import { WEBHOOK_QUEUE } from "../../shared/config/resources";

const from = (values: Record<string, unknown>) => (name: string) => values[name];

describe("stack settings (CDK context)", () => {
  it("defaults to a throttle sized for incident storms and the shared queue settings", () => {
    const settings = readSettings(from({}));
    expect(settings).toEqual(DEFAULT_SETTINGS);
    expect(settings.throttleRateLimit).toBeGreaterThanOrEqual(1_000);
    expect(settings.throttleBurstLimit).toBeGreaterThanOrEqual(2_000);
    expect(settings.teamTokenSecretPrefix).toBe("webhook-pipeline/team-tokens/");
    expect(settings.maxReceiveCount).toBe(WEBHOOK_QUEUE.maxReceiveCount);
    expect(settings.routingTableDeletionProtection).toBe(true);
    expect(settings.agentUrl).toBeUndefined();
    expect(settings.logLevel).toBe("INFO");
    expect(settings.accessLogClass).toBe("INFREQUENT_ACCESS");
    expect(settings.tracingSampleRate).toBe(0.01);
    // Ingest re-reads its secret on a signature it does not verify; the router has no such signal.
    expect(settings.ingestSecretsCacheSeconds).toBe(3600);
    expect(settings.secretsCacheSeconds).toBe(900);
  });

  it("takes values given as strings on the command line (-c name=value)", () => {
    const settings = readSettings(
      from({
        throttleRateLimit: "50",
        throttleBurstLimit: "100",
        maxReceiveCount: "8",
        routerBatchSize: "25",
        routerMaxBatchingWindowSeconds: "5",
        routerMaxConcurrency: "20",
        routingTableDeletionProtection: "false",
        agentUrl: "https://agent.example.com/events",
        defaultTeam: "acme/sre",
        alarmEmail: "oncall@example.com",
        logRetentionDays: "90",
        deliveredEventRetentionDays: "2",
        logLevel: " warn ",
        accessLogClass: " standard ",
        tracingSampleRate: "0",
        existingSecrets: '{"SLACK_SIGNING_SECRET":"prod/slack-signing-secret"}',
        teamTokenSecretPrefix: " prod/agent-tokens/ ",
      }),
    );
    expect(settings).toMatchObject({
      throttleRateLimit: 50,
      throttleBurstLimit: 100,
      maxReceiveCount: 8,
      routerBatchSize: 25,
      routerMaxBatchingWindowSeconds: 5,
      routerMaxConcurrency: 20,
      routingTableDeletionProtection: false,
      agentUrl: "https://agent.example.com/events",
      defaultTeam: "acme/sre",
      alarmEmail: "oncall@example.com",
      logRetentionDays: 90,
      deliveredEventRetentionDays: 2,
      logLevel: "WARN",
      accessLogClass: "STANDARD",
      tracingSampleRate: 0,
      existingSecrets: { SLACK_SIGNING_SECRET: "prod/slack-signing-secret" },
      teamTokenSecretPrefix: "prod/agent-tokens/",
    });
  });

  it("reads event filters given as JSON text (-c eventFilters=…) or as an object (cdk.json)", () => {
    const filters = { github: [{ event: "issues", action: "labeled", label: "ai:run" }] };
    expect(readSettings(from({ eventFilters: JSON.stringify(filters) })).eventFilters).toEqual(filters);
    expect(readSettings(from({ eventFilters: filters })).eventFilters).toEqual(filters);
    expect(readSettings(from({})).eventFilters).toEqual({});
  });

  it("takes an ingest secrets' cache age up to a day, and the other functions' up to an hour", () => {
    expect(readSettings(from({ ingestSecretsCacheSeconds: "86400" })).ingestSecretsCacheSeconds).toBe(86_400);
    expect(() => readSettings(from({ ingestSecretsCacheSeconds: 86_401 }))).toThrowError(
      /'ingestSecretsCacheSeconds' must be between 0 and 86400, got 86401/,
    );
    expect(() => readSettings(from({ secretsCacheSeconds: 3601 }))).toThrowError(
      /'secretsCacheSeconds' must be between 0 and 3600, got 3601/,
    );
  });

  it.each([
    [{ throttleRateLimit: 1, throttleBurstLimit: 1 }, 1, 1],
    [{ throttleRateLimit: "0.5", throttleBurstLimit: "3" }, 0.5, 3],
    // A burst below the rate is API Gateway's to accept: the stack does not second-guess it.
    [{ throttleRateLimit: 40, throttleBurstLimit: 30 }, 40, 30],
    [{ throttleRateLimit: "250000", throttleBurstLimit: 500_000 }, 250_000, 500_000],
  ])("takes any positive throttle: %j", (values, rateLimit, burstLimit) => {
    expect(readSettings(from(values))).toMatchObject({
      throttleRateLimit: rateLimit,
      throttleBurstLimit: burstLimit,
    });
  });

  it.each([
    [
      { throttleRateLimit: 0 },
      /'throttleRateLimit' must be a positive number \(requests per second per route\), got '0'/,
    ],
    [{ throttleRateLimit: "-5" }, /'throttleRateLimit' must be a positive number .*got '-5'/],
    [{ throttleRateLimit: "fast" }, /'throttleRateLimit' must be a positive number .*got 'fast'/],
    [{ throttleRateLimit: "Infinity" }, /'throttleRateLimit' must be a positive number .*got 'Infinity'/],
    [{ throttleBurstLimit: 0 }, /'throttleBurstLimit' must be a positive whole number .*got '0'/],
    [{ throttleBurstLimit: "2.5" }, /'throttleBurstLimit' must be a positive whole number .*got '2.5'/],
  ])("refuses a throttle that is not a positive number: %j", (values, message) => {
    expect(() => readSettings(from(values))).toThrowError(InvalidSettingError);
    expect(() => readSettings(from(values))).toThrowError(message);
  });

  it("passes genericSources (JSON text or an object) to the generic function's GENERIC_WEBHOOK_SOURCES only", () => {
    const sources = {
      datadog: { scheme: "bearer" },
      grafana: { scheme: "hmac-sha256", header: "x-grafana-signature" },
    };
    for (const genericSources of [JSON.stringify(sources), sources]) {
      expect(readSettings(from({ genericSources })).providerEnvironment).toEqual({
        generic: { GENERIC_WEBHOOK_SOURCES: JSON.stringify(sources) },
      });
    }
    expect(readSettings(from({})).providerEnvironment).toEqual({});
  });

  it("counts the generic provider's event filters into what its environment has left", () => {
    const genericSources = Object.fromEntries(
      Array.from({ length: 40 }, (_, i) => [`source-${i}`, { scheme: "bearer" }]),
    );
    expect(() => readSettings(from({ genericSources }))).not.toThrow();
    const eventFilters = { generic: Array.from({ length: 60 }, (_, i) => ({ event: `alert_type_${i}` })) };
    expect(() => readSettings(from({ genericSources, eventFilters }))).toThrowError(
      /its eventFilters take \d+\): shorten it/,
    );
  });

  it("keeps the default team token prefix for an unset or empty value, and refuses a wildcard", () => {
    expect(readSettings(from({ teamTokenSecretPrefix: "" })).teamTokenSecretPrefix).toBe(
      DEFAULT_TEAM_TOKEN_SECRET_PREFIX,
    );
    for (const prefix of ["team-tokens/*", "tokens?", "team tokens/", "x".repeat(512)]) {
      expect(() => readSettings(from({ teamTokenSecretPrefix: prefix })), prefix).toThrowError(
        /'teamTokenSecretPrefix' must be the start of a Secrets Manager secret name/,
      );
    }
  });

  it.each([
    [{ maxReceiveCount: 0 }, /'maxReceiveCount' must be between 1 and 1000/],
    [{ maxReceiveCount: "two" }, /'maxReceiveCount' must be a whole number, got 'two'/],
    [
      { routerBatchSize: 11, routerMaxBatchingWindowSeconds: 0 },
      /'routerBatchSize' above 10 needs routerMaxBatchingWindowSeconds of at least 1/,
    ],
    [{ routerMaxBatchingWindowSeconds: 301 }, /'routerMaxBatchingWindowSeconds' must be between 0 and 300/],
    [{ routerMaxConcurrency: 1 }, /'routerMaxConcurrency' must be between 2 and 1000/],
    [{ agentTimeoutMs: 30_000 }, /'agentTimeoutMs' must be between 100 and 29000 .*times out after 30 s/],
    [{ routingTableDeletionProtection: "yes" }, /'routingTableDeletionProtection' must be true or false/],
    [{ logRetentionDays: 10 }, /'logRetentionDays' must be one of 1, 3, 5, 7, 14, 30/],
    [
      { deliveredEventRetentionDays: 0 },
      /'deliveredEventRetentionDays' must be between 1 and 3653 .*idempotency window of 1 day/,
    ],
    [{ deliveredEventRetentionDays: "7d" }, /'deliveredEventRetentionDays' must be a whole number/],
    [
      { logLevel: "verbose" },
      /'logLevel' must be one of TRACE, DEBUG, INFO, WARN, ERROR, CRITICAL, got 'verbose'/,
    ],
    [
      { accessLogClass: "DELIVERY" },
      /'accessLogClass' must be one of INFREQUENT_ACCESS, STANDARD, got 'DELIVERY'/,
    ],
    [{ accessLogClass: "infrequent" }, /'accessLogClass' must be one of INFREQUENT_ACCESS, STANDARD/],
    [{ tracingSampleRate: "1.5" }, /'tracingSampleRate' must be a number from 0 to 1, got '1.5'/],
    [{ tracingSampleRate: "often" }, /'tracingSampleRate' must be a number from 0 to 1/],
    [{ agentUrl: "http://agent.internal" }, /'agentUrl' must be an https:\/\/ URL/],
    [{ defaultTeam: "just-a-team" }, /'defaultTeam' must be <org_id>\/<team_node_id>/],
    [{ alarmEmail: "oncall" }, /'alarmEmail' must be an email address/],
    [{ alarmTopicArn: "arn:aws:sqs:us-east-1:123456789012:q" }, /'alarmTopicArn' must be an SNS topic ARN/],
    [{ existingSecrets: "{nope" }, /'existingSecrets' must be a JSON object/],
    [{ existingSecrets: { SLACK_TOKEN: "x" } }, /'existingSecrets' has unknown key 'SLACK_TOKEN'/],
    [{ eventFilters: "{nope" }, /'eventFilters' is invalid: eventFilters is not valid JSON/],
    [
      { eventFilters: { github: [{ event: "issues", lable: "ai:run" }] } },
      /'eventFilters' is invalid: eventFilters.github\[0\]: unknown `lable`/,
    ],
    [
      { eventFilters: { slack: Array.from({ length: 100 }, (_, i) => ({ event: `event_type_${i}` })) } },
      /'eventFilters' gives slack \d+ bytes of rules; a function's environment holds at most 2048/,
    ],
    [{ genericSources: "{nope" }, /'genericSources' must be a JSON object/],
    [{ genericSources: ["datadog"] }, /'genericSources' must be a JSON object/],
    [
      { genericSources: { datadog: { scheme: "carrier-pigeon" } } },
      /'genericSources' is invalid: GENERIC_WEBHOOK_SOURCES\.datadog/,
    ],
    [
      {
        genericSources: Object.fromEntries(
          Array.from({ length: 80 }, (_, i) => [`source-${i}`, { scheme: "bearer" }]),
        ),
      },
      /'genericSources' takes \d+ bytes as GENERIC_WEBHOOK_SOURCES, over the 2560 the generic function's environment has left \(Lambda allows 4096 bytes in all\)/,
    ],
  ])("refuses %j", (values, message) => {
    expect(() => readSettings(from(values))).toThrowError(message);
  });

  it("fails `cdk synth` with a one-line message before building anything", () => {
    const root = fileURLToPath(new URL("../../", import.meta.url));
    const result = spawnSync(process.execPath, ["--import", "tsx", "infra/app.ts"], {
      cwd: root,
      env: { ...process.env, CDK_CONTEXT_JSON: JSON.stringify({ throttleBurstLimit: -1 }) },
      encoding: "utf8",
      timeout: 60_000,
    });
    expect(result.status).toBe(1);
    expect(result.stderr).toContain(
      "Invalid setting: context value 'throttleBurstLimit' must be a positive whole number (requests a route may take at once), got '-1'",
    );
  });
});
