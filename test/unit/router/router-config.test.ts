import { describe, expect, it } from "vitest";
import { WEBHOOK_QUEUE } from "../../../shared/config/resources";
import { parseDefaultTeam, routerConfigFromEnv } from "../../../shared/config/router-config";

const BASE = {
  QUEUE_URL: "https://sqs.us-east-1.amazonaws.com/123456789012/webhooks",
  ROUTING_TABLE: "routing",
  EVENTS_TABLE: "events",
  IDEMPOTENCY_TABLE: "idempotency",
  AGENT_URL: "https://agent.example.com/invoke",
};

describe("routerConfigFromEnv", () => {
  it("applies the documented defaults", () => {
    expect(routerConfigFromEnv(BASE)).toEqual({
      queueUrl: BASE.QUEUE_URL,
      routingTable: "routing",
      eventsTable: "events",
      idempotencyTable: "idempotency",
      agentUrl: BASE.AGENT_URL,
      agentTimeoutMs: 10_000,
      idempotencyTtlSeconds: 86_400,
      deliveredRetentionDays: 7,
      maxReceiveCount: WEBHOOK_QUEUE.maxReceiveCount,
      retryBaseDelaySeconds: 10,
      retryMaxDelaySeconds: 900,
      circuitBreakerThreshold: 5,
      circuitBreakerRecoverySeconds: 30,
      agentConcurrency: 5,
      localPipeline: false,
      secretsCacheSeconds: 300,
      slackApiUrl: "https://slack.com/api",
      slackTimeoutMs: 3_000,
    });
  });

  it("reads every override", () => {
    const config = routerConfigFromEnv({
      ...BASE,
      AGENT_TIMEOUT_MS: "2500",
      IDEMPOTENCY_TTL_SECONDS: "7200",
      DELIVERED_RETENTION_DAYS: "2",
      MAX_RECEIVE_COUNT: "8",
      RETRY_BASE_DELAY_SECONDS: "5",
      RETRY_MAX_DELAY_SECONDS: "600",
      CIRCUIT_BREAKER_THRESHOLD: "4",
      CIRCUIT_BREAKER_RECOVERY_SECONDS: "60",
      AGENT_CONCURRENCY: "2",
      DEFAULT_TEAM: "ops/triage",
      SLACK_API_URL: "http://127.0.0.1:9999/api",
      SLACK_TIMEOUT_MS: "1000",
      PAYLOAD_BUCKET: "webhook-payloads",
    });
    expect(config).toMatchObject({
      agentTimeoutMs: 2500,
      idempotencyTtlSeconds: 7200,
      deliveredRetentionDays: 2,
      maxReceiveCount: 8,
      retryBaseDelaySeconds: 5,
      retryMaxDelaySeconds: 600,
      circuitBreakerThreshold: 4,
      circuitBreakerRecoverySeconds: 60,
      agentConcurrency: 2,
      defaultTeam: { org_id: "ops", team_node_id: "triage" },
      slackApiUrl: "http://127.0.0.1:9999/api",
      slackTimeoutMs: 1000,
      payloadBucket: "webhook-payloads",
    });
  });

  it.each([
    ["QUEUE_URL", undefined, /QUEUE_URL is not set/],
    ["AGENT_URL", undefined, /AGENT_URL is not set/],
    ["AGENT_URL", "agent.example.com", /AGENT_URL: /],
    ["AGENT_URL", "ftp://agent.example.com", /AGENT_URL: .*https/],
    ["AGENT_URL", "http://agent.example.com/run", /AGENT_URL: .*https/],
    ["AGENT_URL", "https://169.254.169.254/latest", /AGENT_URL: /],
    ["AGENT_URL", "http://127.0.0.1:8080/agent", /AGENT_URL: /],
    [
      "CIRCUIT_BREAKER_RECOVERY_SECONDS",
      "0",
      /CIRCUIT_BREAKER_RECOVERY_SECONDS must be a whole number from 1/,
    ],
    ["EVENTS_TABLE", " ", /EVENTS_TABLE is not set/],
    ["AGENT_TIMEOUT_MS", "ten", /AGENT_TIMEOUT_MS must be a whole number/],
    ["AGENT_TIMEOUT_MS", "0", /AGENT_TIMEOUT_MS must be a whole number from 1/],
    ["RETRY_MAX_DELAY_SECONDS", "50000", /RETRY_MAX_DELAY_SECONDS must be a whole number from 0 to 43200/],
    ["DELIVERED_RETENTION_DAYS", "0", /DELIVERED_RETENTION_DAYS must be a whole number from 1/],
    ["DEFAULT_TEAM", "just-a-team", /DEFAULT_TEAM must look like 'org_id\/team_node_id'/],
  ])("names the bad variable: %s=%s", (name, value, message) => {
    expect(() => routerConfigFromEnv({ ...BASE, [name]: value })).toThrow(message);
  });
});

describe("the delivered events' retention and the idempotency window", () => {
  it("refuses a retention shorter than the window: the guard would forget a delivered key while its claim stands", () => {
    expect(() =>
      routerConfigFromEnv({
        ...BASE,
        IDEMPOTENCY_TTL_SECONDS: String(3 * 86_400),
        DELIVERED_RETENTION_DAYS: "2",
      }),
    ).toThrow(
      /DELIVERED_RETENTION_DAYS \(2\) must cover IDEMPOTENCY_TTL_SECONDS \(259200 s\): raise it to at least 3/,
    );
    expect(() => routerConfigFromEnv({ ...BASE, IDEMPOTENCY_TTL_SECONDS: String(8 * 86_400) })).toThrow(
      /DELIVERED_RETENTION_DAYS \(7\) must cover .* at least 8/,
    );
  });

  it("takes a retention equal to the window", () => {
    const config = routerConfigFromEnv({
      ...BASE,
      IDEMPOTENCY_TTL_SECONDS: String(3 * 86_400),
      DELIVERED_RETENTION_DAYS: "3",
    });
    expect(config.deliveredRetentionDays).toBe(3);
  });
});

describe("routerConfigFromEnv in the local pipeline", () => {
  it("allows a plain http agent on this machine only when started by npm start", () => {
    const local = { ...BASE, AGENT_URL: "http://127.0.0.1:8080/agent", WEBHOOK_PIPELINE_LOCAL: "true" };
    expect(routerConfigFromEnv(local)).toMatchObject({ agentUrl: local.AGENT_URL, localPipeline: true });
    expect(() => routerConfigFromEnv({ ...local, AGENT_URL: "http://10.0.0.5/agent" })).toThrow(
      /AGENT_URL: /,
    );
  });
});

describe("parseDefaultTeam", () => {
  it("is unset when empty", () => {
    expect(parseDefaultTeam(undefined)).toBeUndefined();
    expect(parseDefaultTeam("  ")).toBeUndefined();
  });
  it("splits org/team", () => {
    expect(parseDefaultTeam(" acme/sre ")).toEqual({ org_id: "acme", team_node_id: "sre" });
  });
});
