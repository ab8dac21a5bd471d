import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { recordRouterResult } from "../../../../functions/router/record-result";
import { logger, metrics } from "../../../../shared/observability/powertools";
import type { AppliedRecord } from "../../../../shared/router/apply-decision";
import type { Decision } from "../../../../shared/router/routing-decision";
import { appliedRecord } from "../../../support/applied-records";
import { linesWrittenBy } from "../../local/terminal/handler-lines";

const EVENT_ID = "7e1d075e-6e2c-4ece-a139-bccba96c2a0c";
/** An HTTP API request id, as the correlation id is in AWS. */
const CORRELATION_ID = "JxKq0hB9FiAEMbQ=";
const NOW = new Date("2026-12-02T09:05:07.042Z");

/** A Slack event, received 348 ms before NOW, routed by its channel. */
function applied(decision: Decision, status: AppliedRecord["status"], extra: Partial<AppliedRecord> = {}) {
  const record = appliedRecord(decision, status, {
    outcome: {
      provider: "slack",
      event_type: "app_mention",
      received_at: new Date(NOW.getTime() - 348).toISOString(),
    },
    extra,
  });
  record.routed.destination!.team.matched_by = "slack_channel_id";
  return record;
}

/** The JSON lines recordRouterResult writes (Powertools writes info to stdout, warnings to stderr). */
async function linesOf(record: AppliedRecord): Promise<Record<string, unknown>[]> {
  const lines = await linesWrittenBy(() => recordRouterResult(record, NOW));
  return lines.map((line) => JSON.parse(line));
}

// The suite runs the logger SILENT (vitest.config.ts): these tests read what it writes at INFO.
const suiteLevel = logger.getLevelName();
beforeEach(() => {
  logger.setLogLevel("INFO");
});
afterEach(() => {
  logger.setLogLevel(suiteLevel);
  vi.unstubAllEnvs();
  metrics.clearMetrics();
});

describe("the router's line about a delivered event", () => {
  const delivered = applied({ kind: "delivered", agentStatus: 200, durationMs: 6 }, "delivered");

  it("carries what an operator looks for, and nothing Lambda or the ingest record already says elsewhere", async () => {
    const [line, ...rest] = await linesOf(delivered);
    expect(rest).toEqual([]);
    expect(line).toEqual({
      level: "INFO",
      message: "delivered",
      event_id: EVENT_ID,
      correlation_id: CORRELATION_ID,
      provider: "slack",
      event_type: "app_mention",
      team: "extend/extend-sre",
      matched_by: "slack_channel_id",
      attempts: 1,
      status: "delivered",
      agent_status: 200,
      agent_ms: 6,
      latency_ms: 348,
    });
  });

  it("stays within 400 bytes, the line every delivered webhook pays for (with an AWS-length correlation id)", async () => {
    vi.stubEnv(
      "_X_AMZN_TRACE_ID",
      "Root=1-683d6f3f-0f2b1c3d4e5f60718293a4b5;Parent=53995c3f42cd8ad8;Sampled=0",
    );
    const [line] = await linesOf(delivered);
    expect(Buffer.byteLength(JSON.stringify(line))).toBeLessThanOrEqual(400);
  });

  it("says so when the outcome could not be recorded, at error level with the problem", async () => {
    const [line] = await linesOf({
      ...delivered,
      recorded: false,
      problems: ["recording the outcome: throttled"],
    });
    expect(line).toMatchObject({
      level: "ERROR",
      status: "delivered",
      recorded: false,
      problems: ["recording the outcome: throttled"],
    });
  });
});

describe("the router's lines about events not delivered", () => {
  it("gives the agent's status and reason of a refusal", async () => {
    const [line] = await linesOf(
      applied(
        { kind: "failed", errorClass: "permanent", agentStatus: 400, error: "the agent answered 400" },
        "failed",
      ),
    );
    expect(line).toMatchObject({
      level: "WARN",
      event_id: EVENT_ID,
      correlation_id: CORRELATION_ID,
      status: "failed",
      agent_status: 400,
      reason: "the agent answered 400",
      attempts: 1,
    });
  });

  it("gives the class, reason and delay of a retry", async () => {
    const [line] = await linesOf(
      applied(
        { kind: "defer", deferClass: "retryable", reason: "the agent answered 503", agentStatus: 503 },
        "retrying",
        { retryInSeconds: 30 },
      ),
    );
    expect(line).toMatchObject({
      level: "WARN",
      status: "retrying",
      defer_class: "retryable",
      reason: "the agent answered 503",
      agent_status: 503,
      retry_in_seconds: 30,
    });
  });
});
