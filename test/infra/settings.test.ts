import { spawnSync } from "node:child_process";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { DEFAULT_SETTINGS, InvalidSettingError, readSettings, THROTTLE_FLOOR } from "../../infra/settings";
import { WEBHOOK_QUEUE } from "../../shared/config/resources";

const from = (values: Record<string, unknown>) => (name: string) => values[name];

describe("stack settings (CDK context)", () => {
  it("defaults to seed 001's webhook limits and the shared queue settings", () => {
    const settings = readSettings(from({}));
    expect(settings).toEqual(DEFAULT_SETTINGS);
    expect(settings.throttleRateLimit).toBe(10);
    expect(settings.throttleBurstLimit).toBe(20);
    expect(settings.maxReceiveCount).toBe(WEBHOOK_QUEUE.maxReceiveCount);
    expect(settings.routingTableDeletionProtection).toBe(true);
    expect(settings.agentUrl).toBeUndefined();
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
        existingSecrets: '{"SLACK_SIGNING_SECRET":"prod/slack-signing-secret"}',
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
      existingSecrets: { SLACK_SIGNING_SECRET: "prod/slack-signing-secret" },
    });
  });

  it("reads event filters given as JSON text (-c eventFilters=…) or as an object (cdk.json)", () => {
    const filters = { github: [{ event: "issues", action: "labeled", label: "ai:run" }] };
    expect(readSettings(from({ eventFilters: JSON.stringify(filters) })).eventFilters).toEqual(filters);
    expect(readSettings(from({ eventFilters: filters })).eventFilters).toEqual(filters);
    expect(readSettings(from({})).eventFilters).toEqual({});
  });

  it("refuses a rate limit below seed 001's floor, naming the setting and the floor", () => {
    expect(() => readSettings(from({ throttleRateLimit: 9 }))).toThrowError(InvalidSettingError);
    expect(() => readSettings(from({ throttleRateLimit: 9 }))).toThrowError(
      /'throttleRateLimit' must be between 10 and .*seed 001's webhook limit and the floor.*got 9/,
    );
  });

  it("refuses a burst limit below seed 001's floor", () => {
    expect(() => readSettings(from({ throttleBurstLimit: "19" }))).toThrowError(
      new RegExp(`'throttleBurstLimit' must be between ${THROTTLE_FLOOR.burstLimit} and .*got 19`),
    );
  });

  it("refuses a burst below the rate", () => {
    expect(() => readSettings(from({ throttleRateLimit: 40, throttleBurstLimit: 30 }))).toThrowError(
      /'throttleBurstLimit' must be at least throttleRateLimit \(40\), got 30/,
    );
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
  ])("refuses %j", (values, message) => {
    expect(() => readSettings(from(values))).toThrowError(message);
  });

  it("fails `cdk synth` with a one-line message before building anything", () => {
    const root = fileURLToPath(new URL("../../", import.meta.url));
    const result = spawnSync(process.execPath, ["--import", "tsx", "infra/app.ts"], {
      cwd: root,
      env: { ...process.env, CDK_CONTEXT_JSON: JSON.stringify({ throttleRateLimit: 5 }) },
      encoding: "utf8",
      timeout: 60_000,
    });
    expect(result.status).toBe(1);
    expect(result.stderr).toContain(
      "Invalid setting: context value 'throttleRateLimit' must be between 10 and 10000 (requests per second; 10 is seed 001's webhook limit and the floor), got 5",
    );
  });
});
