import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";

// The record lines read their level and metrics setting as they load: as in Lambda, not as in the
// other unit tests (which silence them).
vi.hoisted(() => {
  process.env.POWERTOOLS_LOG_LEVEL = "INFO";
  process.env.POWERTOOLS_METRICS_DISABLED = "false";
});

import {
  DELIVERED_MESSAGE,
  deliveredEvents,
  ENTRY_BYTES_PER_LINE,
} from "../../../../functions/router/delivered-line";
import { recordRouterResults } from "../../../../functions/router/record-result";
import { logger } from "../../../../shared/observability/powertools";
import { EMF_MAX_VALUES } from "../../../../shared/observability/record-line";
import type { AppliedRecord } from "../../../../shared/router/apply-decision";
import type { Decision } from "../../../../shared/router/routing-decision";
import { appliedRecord } from "../../../support/applied-records";
import { linesWrittenBy } from "../../local/terminal/handler-lines";

const EVENT_ID = "7e1d075e-6e2c-4ece-a139-bccba96c2a0c";
/** An HTTP API request id, as the correlation id is in AWS. */
const CORRELATION_ID = "JxKq0hB9FiAEMbQ=";
const NOW = new Date("2026-12-02T09:05:07.042Z");
const DELIVERED: Decision = { kind: "delivered", agentStatus: 200, durationMs: 6 };

/** A Slack event, received 348 ms before NOW, routed by its channel. */
function applied(
  decision: Decision,
  status: AppliedRecord["status"],
  extra: Partial<AppliedRecord> = {},
  outcome: Partial<AppliedRecord["routed"]["outcome"]> = {},
) {
  const record = appliedRecord(decision, status, {
    outcome: {
      provider: "slack",
      event_type: "app_mention",
      received_at: new Date(NOW.getTime() - 348).toISOString(),
      ...outcome,
    },
    extra,
  });
  record.routed.destination!.team.matched_by = "slack_channel_id";
  return record;
}

/** `n` plain deliveries, event ids `e-0`…, the i-th received i ms before NOW. */
const deliveries = (n: number, team = "extend-sre") =>
  Array.from({ length: n }, (_, i) => {
    const record = applied(
      DELIVERED,
      "delivered",
      {},
      {
        event_id: `e-${i}`,
        received_at: new Date(NOW.getTime() - i).toISOString(),
      },
    );
    record.routed.destination!.team.team_node_id = team;
    return record;
  });

type Line = Record<string, unknown> & {
  _aws?: { CloudWatchMetrics: { Dimensions: string[][]; Metrics: { Name: string; Unit?: string }[] }[] };
};

/** The JSON lines recordRouterResults writes, each checked as the bytes CloudWatch Logs would take. */
async function linesOf(records: AppliedRecord[]): Promise<Line[]> {
  const lines = await linesWrittenBy(() => recordRouterResults(records, NOW));
  return lines.map((line) => JSON.parse(line));
}

/** The EMF rules a line must keep for CloudWatch to take its metrics rather than drop them. */
function expectValidEmf(line: Line) {
  const directives = line._aws!.CloudWatchMetrics;
  expect(directives.length).toBeGreaterThan(0);
  for (const directive of directives) {
    for (const dimension of directive.Dimensions.flat()) expect(typeof line[dimension]).toBe("string");
    for (const { Name } of directive.Metrics) {
      const value = line[Name];
      if (Array.isArray(value)) {
        expect(value.length).toBeGreaterThan(0);
        expect(value.length).toBeLessThanOrEqual(EMF_MAX_VALUES);
        for (const v of value) expect(typeof v).toBe("number");
      } else {
        expect(typeof value).toBe("number");
      }
    }
  }
}

/** Each metric a line names, with its dimensions' values and its value. */
const metricsOf = (line: Line) =>
  line._aws!.CloudWatchMetrics.flatMap((d) =>
    d.Metrics.map((m) => ({
      name: m.Name,
      ...(m.Unit ? { unit: m.Unit } : {}),
      dimensions: Object.fromEntries(d.Dimensions[0]!.map((k) => [k, line[k]])),
      value: line[m.Name],
    })),
  );

// The suite runs the logger SILENT (vitest.config.ts): these tests read what it writes at INFO.
const suiteLevel = logger.getLevelName();
beforeEach(() => {
  logger.setLogLevel("INFO");
});
afterEach(() => {
  logger.setLogLevel(suiteLevel);
});

describe("the router's line of an invocation's delivered events", () => {
  it("lists each event compactly under its team, with the invocation's delivery metrics", async () => {
    const second = applied(DELIVERED, "delivered", {}, { event_id: "e-2", attempts: 3 });
    const [line, ...rest] = await linesOf([applied(DELIVERED, "delivered"), second]);
    expect(rest).toEqual([]);
    const { _aws, ...fields } = line!;
    expect(fields).toEqual({
      level: "INFO",
      message: DELIVERED_MESSAGE,
      service: "webhook-pipeline",
      delivered: [
        {
          team: "extend/extend-sre",
          matched_by: "slack_channel_id",
          events: [
            { id: EVENT_ID, agent_status: 200, agent_ms: 6, latency_ms: 348 },
            { id: "e-2", agent_status: 200, agent_ms: 6, latency_ms: 348, attempts: 3 },
          ],
        },
      ],
      EventsDelivered: 2,
      EndToEndLatency: [348, 348],
    });
    expectValidEmf(line!);
    expect(metricsOf(line!)).toEqual([
      { name: "EventsDelivered", dimensions: { service: "webhook-pipeline" }, value: 2 },
      {
        name: "EndToEndLatency",
        unit: "Milliseconds",
        dimensions: { service: "webhook-pipeline" },
        value: [348, 348],
      },
    ]);
  });

  it("costs under 140 bytes per event in a batch of ten, its share of the line included", async () => {
    const records = Array.from({ length: 10 }, (_, i) =>
      applied(DELIVERED, "delivered", {}, { event_id: EVENT_ID.replace(/.{2}$/, String(10 + i)) }),
    );
    const written = await linesWrittenBy(() => recordRouterResults(records, NOW));
    expect(written).toHaveLength(1);
    // Was 351: a 315-byte line per event and a 360-byte EMF line per invocation.
    expect((Buffer.byteLength(written[0]!) + 1) / 10).toBeLessThan(140);
  });

  it("writes a group per team and match in one line, reading back as each event's own outcome", async () => {
    const other = deliveries(1, "payments")[0]!;
    other.routed.destination!.team.org_id = "acme";
    const [line] = await linesOf([...deliveries(2), other]);
    expect((line!.delivered as { team: string }[]).map((g) => g.team)).toEqual([
      "extend/extend-sre",
      "acme/payments",
    ]);
    expect(deliveredEvents(line!)).toEqual([
      {
        event_id: "e-0",
        status: "delivered",
        team: "extend/extend-sre",
        matched_by: "slack_channel_id",
        agent_status: 200,
        agent_ms: 6,
        latency_ms: 0,
        attempts: 1,
      },
      expect.objectContaining({ event_id: "e-1", team: "extend/extend-sre", latency_ms: 1 }),
      expect.objectContaining({ event_id: "e-0", team: "acme/payments" }),
    ]);
  });

  it("splits a large batch so that no line holds more than 100 events, each line counting its own", async () => {
    const lines = await linesOf(deliveries(250));
    expect(lines.map((l) => l.EventsDelivered)).toEqual([100, 100, 50]);
    for (const line of lines) {
      expectValidEmf(line);
      expect(deliveredEvents(line)).toHaveLength(line.EventsDelivered as number);
    }
    expect(lines.flatMap((l) => deliveredEvents(l).map((e) => e.latency_ms))).toEqual(
      Array.from({ length: 250 }, (_, i) => i),
    );
  });

  it("splits by size too, so that a line stays far below CloudWatch's 256 KB per log event", async () => {
    const records = deliveries(60).map((record, i) => {
      record.routed.destination!.team.team_node_id = `team-${i}-${"x".repeat(1_000)}`;
      return record;
    });
    const written = await linesWrittenBy(() => recordRouterResults(records, NOW));
    expect(written.length).toBeGreaterThan(1);
    for (const text of written) expect(Buffer.byteLength(text)).toBeLessThan(ENTRY_BYTES_PER_LINE + 2_000);
    const lines = written.map((text) => JSON.parse(text) as Line);
    for (const line of lines) expectValidEmf(line);
    expect(lines.flatMap((l) => deliveredEvents(l).map((e) => e.event_id))).toEqual(
      records.map((r) => r.routed.outcome.event_id),
    );
  });

  it("leaves out a latency it cannot know, and the latency metric when no event has one", async () => {
    const [line] = await linesOf([applied(DELIVERED, "delivered", {}, { received_at: undefined })]);
    expect(deliveredEvents(line!)[0]).not.toHaveProperty("latency_ms");
    expect(line).not.toHaveProperty("EndToEndLatency");
    expect(metricsOf(line!).map((m) => m.name)).toEqual(["EventsDelivered"]);
    expectValidEmf(line!);
  });

  it("is written at WARN too: the delivery metrics ride on it", async () => {
    logger.setLogLevel("WARN");
    expect(await linesOf(deliveries(1))).toHaveLength(1);
  });

  it("writes nothing for a batch with no delivery", async () => {
    expect(await linesOf([])).toEqual([]);
  });
});

describe("a delivered event with more to say keeps a line of its own", () => {
  it("says so when the outcome could not be recorded, at error level with the problem and its metrics", async () => {
    const lines = await linesOf([
      applied(DELIVERED, "delivered", { recorded: false, problems: ["recording the outcome: throttled"] }),
      ...deliveries(1),
    ]);
    expect(lines).toHaveLength(2);
    const [own, listed] = lines;
    expect(own).toMatchObject({
      level: "ERROR",
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
      recorded: false,
      problems: ["recording the outcome: throttled"],
    });
    expectValidEmf(own!);
    expect(metricsOf(own!).map((m) => [m.name, m.value])).toEqual([
      ["EventsDelivered", 1],
      ["EndToEndLatency", [348]],
      ["DeliveriesNotRemembered", 1],
    ]);
    expect(deliveredEvents(listed!).map((e) => e.event_id)).toEqual(["e-0"]);
  });

  it("names the identifiers it skipped", async () => {
    const record = applied(DELIVERED, "delivered");
    record.routed.skipped = [{ kind: "slack_channel_id", reason: "longer than 1024 bytes" }];
    const [line, ...rest] = await linesOf([record]);
    expect(rest).toEqual([]);
    expect(line).toMatchObject({
      level: "INFO",
      message: "delivered",
      event_id: EVENT_ID,
      skipped_identifiers: [{ kind: "slack_channel_id", reason: "longer than 1024 bytes" }],
    });
  });
});

describe("the router's lines about events not delivered", () => {
  it("gives the agent's status and reason of a refusal, counted as an agent error of its class", async () => {
    const [line, ...rest] = await linesOf([
      applied(
        { kind: "failed", errorClass: "permanent", agentStatus: 400, error: "the agent answered 400" },
        "failed",
        { notified: ["C0123"] },
      ),
    ]);
    expect(rest).toEqual([]);
    const { _aws, ...fields } = line!;
    expect(fields).toEqual({
      level: "WARN",
      message: "the agent refused the event for good",
      service: "webhook-pipeline",
      event_id: EVENT_ID,
      correlation_id: CORRELATION_ID,
      provider: "slack",
      event_type: "app_mention",
      team: "extend/extend-sre",
      matched_by: "slack_channel_id",
      attempts: 1,
      status: "failed",
      notified: ["C0123"],
      agent_status: 400,
      reason: "the agent answered 400",
      class: "permanent",
      EventsFailed: 1,
      AgentErrors: 1,
    });
    expectValidEmf(line!);
    expect(metricsOf(line!)).toEqual([
      { name: "EventsFailed", dimensions: { service: "webhook-pipeline" }, value: 1 },
      { name: "AgentErrors", dimensions: { service: "webhook-pipeline", class: "permanent" }, value: 1 },
    ]);
  });

  it("gives the class, reason and delay of a retry, counting an agent error for an agent's failure", async () => {
    const [line] = await linesOf([
      applied(
        { kind: "defer", deferClass: "retryable", reason: "the agent answered 503", agentStatus: 503 },
        "retrying",
        { retryInSeconds: 30 },
      ),
    ]);
    expect(line).toMatchObject({
      level: "WARN",
      message: "record will be retried",
      status: "retrying",
      defer_class: "retryable",
      reason: "the agent answered 503",
      agent_status: 503,
      retry_in_seconds: 30,
    });
    expectValidEmf(line!);
    expect(metricsOf(line!).map((m) => [m.name, m.dimensions])).toEqual([
      ["EventsRetried", { service: "webhook-pipeline" }],
      ["AgentErrors", { service: "webhook-pipeline", class: "retryable" }],
    ]);
  });

  it("counts no agent error for a deferral the agent did not cause, and errs at dead", async () => {
    const [line] = await linesOf([
      applied({ kind: "defer", deferClass: "circuit_open", reason: "breaker open" }, "dead", {
        retryInSeconds: 0,
      }),
    ]);
    expect(line).toMatchObject({
      level: "ERROR",
      message: "giving up: the message goes to the dead-letter queue",
      status: "dead",
      defer_class: "circuit_open",
    });
    expect(line).not.toHaveProperty("class");
    expect(metricsOf(line!).map((m) => m.name)).toEqual(["EventsDead"]);
  });

  it("logs an unexpected error with its stack beside the record's line", async () => {
    const lines = await linesOf([
      applied(
        {
          kind: "defer",
          deferClass: "unavailable",
          reason: "cannot read 'team'",
          unexpected: new TypeError("cannot read 'team'"),
        },
        "retrying",
        { retryInSeconds: 10 },
      ),
    ]);
    expect(lines.map((l) => [l.level, l.message])).toEqual([
      ["ERROR", "unexpected error routing a record"],
      ["WARN", "record will be retried"],
    ]);
    expect(lines[0]!.error).toMatchObject({ name: "TypeError", message: "cannot read 'team'" });
  });

  it("writes the duplicate, unrouted and rejected lines with their own details and counts", async () => {
    const unrouted = applied(
      { kind: "unrouted", reason: "no team claims this event's identifiers" },
      "unrouted",
    );
    delete (unrouted.routed as { destination?: unknown }).destination;
    const lines = await linesOf([
      applied(
        { kind: "duplicate", original: { event_id: "first-id", outcome: "delivered", agent_status: 200 } },
        "duplicate",
      ),
      unrouted,
      applied({ kind: "rejected", reason: "not an envelope" }, "rejected"),
    ]);
    expect(lines.map((l) => [l.level, l.message, l.status])).toEqual([
      ["INFO", "delivery key already handled; not sent again", "duplicate"],
      ["INFO", "no team takes this event; acknowledged", "unrouted"],
      ["WARN", "message cannot be routed; not retried", "rejected"],
    ]);
    expect(lines[0]).toMatchObject({ duplicate_of: "first-id", original_outcome: "delivered" });
    expect(lines[1]).toMatchObject({ reason: "no team claims this event's identifiers" });
    expect(lines[1]).not.toHaveProperty("team");
    expect(lines[2]).toMatchObject({ reason: "not an envelope" });
    for (const line of lines) expectValidEmf(line);
    expect(lines.map((l) => metricsOf(l).map((m) => m.name))).toEqual([
      ["EventsDuplicate"],
      ["EventsUnrouted"],
      ["EventsRejected"],
    ]);
  });

  it("keeps its INFO lines at WARN: their metrics ride on them", async () => {
    logger.setLogLevel("WARN");
    const lines = await linesOf([
      applied(
        { kind: "duplicate", original: { event_id: "first-id", outcome: "delivered", agent_status: 200 } },
        "duplicate",
      ),
    ]);
    expect(lines).toHaveLength(1);
  });
});
