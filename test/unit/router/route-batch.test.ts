import type { SQSEvent, SQSRecord } from "aws-lambda";
import { describe, expect, it } from "vitest";
import { createRouterHandler } from "../../../functions/router/handler";
import type { RouterDeps } from "../../../shared/router/route-batch";
import {
  BAD_REQUEST,
  CONFIG,
  DELIVERED,
  fakeDeps,
  recordOf,
  SERVER_ERROR,
  slackEnvelope,
  sqsRecord,
} from "./router-fakes";

const route = (deps: RouterDeps, records: SQSRecord[]) =>
  createRouterHandler(() => deps)({ Records: records } as SQSEvent);
const failedIds = (response: { batchItemFailures: { itemIdentifier: string }[] }) =>
  response.batchItemFailures.map((f) => f.itemIdentifier).sort();

describe("router: one batch", () => {
  it("delivers a routed event to its team's agent and records it", async () => {
    const f = fakeDeps();
    const envelope = slackEnvelope();
    const response = await route(f.deps, [recordOf(envelope)]);
    expect(response.batchItemFailures).toEqual([]);
    expect(f.agent.calls).toHaveLength(1);
    expect(f.agent.calls[0]!.url).toBe(CONFIG.agentUrl);
    expect(f.agent.calls[0]!.correlationId).toBe(envelope.correlation_id);
    expect(f.agent.calls[0]!.request.team).toEqual({
      org_id: "extend",
      team_node_id: "extend-sre",
      matched_by: "slack_channel_id",
      identifier: "C0A4967KRBM",
    });
    expect(f.events.last(envelope.id)).toMatchObject({
      status: "delivered",
      provider: "slack",
      delivery_key: envelope.delivery_key,
      org_id: "extend",
      team_node_id: "extend-sre",
      matched_by: "slack_channel_id",
      attempts: 1,
      agent_status: 202,
      body: JSON.stringify(envelope),
    });
    expect(f.counts).toMatchObject({ EventsRouted: 1, EventsDelivered: 1, EndToEndLatency: 1 });
    expect(f.values.EndToEndLatency![0]).toBeGreaterThanOrEqual(1500);
  });

  it("sends to the team's agent override", async () => {
    const f = fakeDeps();
    await route(f.deps, [recordOf(slackEnvelope({}, "COVERRIDE1"))]);
    expect(f.agent.calls[0]!.url).toBe("http://acme-agent.local/run");
  });

  it("resolves the whole batch's teams in one call", async () => {
    const f = fakeDeps();
    await route(f.deps, [
      recordOf(slackEnvelope()),
      recordOf(slackEnvelope({}, "CUNKNOWN1")),
      recordOf(slackEnvelope()),
    ]);
    expect(f.teams.calls).toHaveLength(1);
    expect(f.teams.calls[0]).toHaveLength(3);
  });

  it("acknowledges, counts and records an event no team claims", async () => {
    const f = fakeDeps();
    const envelope = slackEnvelope({}, "CUNKNOWN1");
    const response = await route(f.deps, [recordOf(envelope)]);
    expect(response.batchItemFailures).toEqual([]);
    expect(f.agent.calls).toHaveLength(0);
    expect(f.events.last(envelope.id)).toMatchObject({
      status: "unrouted",
      identifiers: { slack_channel_id: "CUNKNOWN1" },
    });
    expect(f.counts.EventsUnrouted).toBe(1);
  });

  it("hands unrouted events to DEFAULT_TEAM when configured", async () => {
    const f = fakeDeps();
    f.deps.config = { ...CONFIG, defaultTeam: { org_id: "ops", team_node_id: "triage" } };
    const envelope = slackEnvelope({}, "CUNKNOWN1");
    await route(f.deps, [recordOf(envelope)]);
    expect(f.agent.calls[0]!.request.team).toEqual({
      org_id: "ops",
      team_node_id: "triage",
      matched_by: "default_team",
      identifier: "",
    });
    expect(f.events.last(envelope.id)).toMatchObject({ status: "delivered", matched_by: "default_team" });
  });

  it("records an invalid envelope as rejected and does not retry it", async () => {
    const f = fakeDeps();
    const notJson = sqsRecord("{not json");
    const wrongShape = sqsRecord(JSON.stringify({ ...slackEnvelope(), v: 2 }));
    const good = recordOf(slackEnvelope());
    const response = await route(f.deps, [notJson, wrongShape, good]);
    expect(response.batchItemFailures).toEqual([]);
    expect(f.agent.calls).toHaveLength(1);
    const rejected = f.events.outcomes.filter((o) => o.status === "rejected");
    expect(rejected.map((o) => o.event_id)).toContain(`sqs-message:${notJson.messageId}`);
    expect(rejected.find((o) => o.message_id === notJson.messageId)!.last_error).toContain("not JSON");
    expect(rejected.find((o) => o.message_id === wrongShape.messageId)!.last_error).toContain("envelope");
    expect(rejected.every((o) => o.body !== undefined)).toBe(true);
  });

  it("returns a retryable failure with a backed-off visibility and records retrying", async () => {
    const f = fakeDeps();
    f.agent.script = () => SERVER_ERROR;
    const envelope = slackEnvelope();
    const record = recordOf(envelope, 3);
    const response = await route(f.deps, [record]);
    expect(failedIds(response)).toEqual([record.messageId]);
    // attempt 3: ceiling 2 × 2² = 8 s, random 0.5 → 4 + floor(0.5 × 5) = 6 s
    expect(f.visibility.changes).toEqual([{ receiptHandle: record.receiptHandle, seconds: 6 }]);
    expect(f.events.last(envelope.id)).toMatchObject({
      status: "retrying",
      attempts: 3,
      agent_status: 500,
      last_error: "agent answered HTTP 500",
    });
    expect(f.counts["AgentErrors:retryable"]).toBe(1);
    expect(f.guard.entries.size).toBe(0); // a failed send is forgotten: the retry may send
  });

  it("records dead on the last receive before the dead-letter queue, and tells the Slack channel", async () => {
    const f = fakeDeps();
    f.agent.script = () => SERVER_ERROR;
    const envelope = slackEnvelope();
    const record = recordOf(envelope, CONFIG.maxReceiveCount);
    const response = await route(f.deps, [record]);
    expect(failedIds(response)).toEqual([record.messageId]);
    expect(f.events.last(envelope.id)).toMatchObject({ status: "dead", attempts: 5 });
    expect(f.visibility.changes[0]!.seconds).toBe(0);
    expect(f.slack.notices).toHaveLength(1);
    expect(f.slack.notices[0]!.text).toContain("after 5 attempts");
  });

  it("records a 4xx as failed, does not retry, and posts a notice in the Slack thread", async () => {
    const f = fakeDeps();
    f.agent.script = () => BAD_REQUEST;
    const envelope = slackEnvelope();
    const response = await route(f.deps, [recordOf(envelope)]);
    expect(response.batchItemFailures).toEqual([]);
    expect(f.events.last(envelope.id)).toMatchObject({ status: "failed", agent_status: 400 });
    expect(f.counts["AgentErrors:permanent"]).toBe(1);
    expect(f.slack.notices).toEqual([
      expect.objectContaining({ channel: "C0A4967KRBM", threadTs: "1700000000.000100" }),
    ]);
    expect(f.slack.notices[0]!.text).toContain(envelope.id);
    expect(f.slack.notices[0]!.text).toContain("HTTP 400");
  });

  it("does not fail the record when the Slack notice cannot be posted", async () => {
    const f = fakeDeps();
    f.agent.script = () => BAD_REQUEST;
    f.slack.failWith = new Error("channel_not_found");
    const envelope = slackEnvelope();
    const response = await route(f.deps, [recordOf(envelope)]);
    expect(response.batchItemFailures).toEqual([]);
    expect(f.events.last(envelope.id)?.status).toBe("failed");
    expect(f.counts.SlackNoticeErrors).toBe(1);
  });

  it("posts no Slack notice for a permanent failure of a non-Slack event", async () => {
    const f = fakeDeps();
    f.agent.script = () => BAD_REQUEST;
    f.deps.config = { ...CONFIG, defaultTeam: { org_id: "ops", team_node_id: "triage" } };
    const envelope = slackEnvelope({
      provider: "github",
      route: "/webhooks/github",
      event_type: "issues",
      payload: { repository: { full_name: "acme/api" } },
    });
    await route(f.deps, [recordOf(envelope)]);
    expect(f.events.last(envelope.id)?.status).toBe("failed");
    expect(f.slack.notices).toEqual([]);
  });

  it("sends copies of one delivery key in a batch once; the copy is acknowledged as a duplicate", async () => {
    const f = fakeDeps();
    const first = slackEnvelope();
    const retry = {
      ...first,
      id: "0b7c5a3e-3c51-4c35-9f0b-0c8a3d1e2f40",
      headers: { "x-slack-retry-num": "1" },
    };
    const response = await route(f.deps, [recordOf(first), recordOf(retry), recordOf(first)]);
    expect(response.batchItemFailures).toEqual([]);
    expect(f.agent.calls).toHaveLength(1);
    expect(f.events.last(retry.id)).toMatchObject({ status: "delivered", duplicate_of: first.id });
    expect(f.events.last(first.id)).toMatchObject({ status: "delivered" });
    expect(f.counts.EventsDuplicate).toBe(2);
  });

  it("retries later copies of a key when the first copy in the batch failed, without calling the agent again", async () => {
    const f = fakeDeps();
    f.agent.script = () => SERVER_ERROR;
    const first = slackEnvelope();
    const retry = { ...first, id: "0b7c5a3e-3c51-4c35-9f0b-0c8a3d1e2f41" };
    const records = [recordOf(first), recordOf(retry)];
    const response = await route(f.deps, records);
    expect(failedIds(response)).toEqual(records.map((r) => r.messageId).sort());
    expect(f.agent.calls).toHaveLength(1);
  });

  it("returns a copy whose delivery is in progress elsewhere for a later retry", async () => {
    const f = fakeDeps();
    const envelope = slackEnvelope();
    f.guard.entries.set(`slack:${envelope.delivery_key}`, { state: "in-progress" });
    const record = recordOf(envelope);
    const response = await route(f.deps, [record]);
    expect(failedIds(response)).toEqual([record.messageId]);
    expect(f.agent.calls).toHaveLength(0);
    expect(f.events.last(envelope.id)?.last_error).toContain("being sent right now");
  });

  it("opens the circuit after consecutive agent failures: the rest of the batch is not sent", async () => {
    const f = fakeDeps();
    f.deps.config = { ...CONFIG, agentConcurrency: 1, circuitBreakerThreshold: 3 };
    f.agent.script = () => SERVER_ERROR;
    const records = Array.from({ length: 8 }, () => recordOf(slackEnvelope()));
    const response = await route(f.deps, records);
    expect(response.batchItemFailures).toHaveLength(8);
    expect(f.agent.calls).toHaveLength(3);
    expect(f.events.outcomes.filter((o) => o.last_error?.includes("circuit open"))).toHaveLength(5);
  });

  it("keeps the circuit closed while failures are interleaved with successes", async () => {
    const f = fakeDeps();
    f.deps.config = { ...CONFIG, agentConcurrency: 1, circuitBreakerThreshold: 3 };
    f.agent.script = (call) => (call % 3 === 0 ? DELIVERED : SERVER_ERROR);
    const records = Array.from({ length: 6 }, () => recordOf(slackEnvelope()));
    await route(f.deps, records);
    expect(f.agent.calls).toHaveLength(6);
  });

  it("retries every routable record when the routing table is unavailable; invalid ones are still rejected", async () => {
    const f = fakeDeps();
    f.teams.failWith = new Error("connect ECONNREFUSED 127.0.0.1:1");
    const records = [recordOf(slackEnvelope()), recordOf(slackEnvelope())];
    const invalid = sqsRecord("[]");
    const response = await route(f.deps, [...records, invalid]);
    expect(failedIds(response)).toEqual(records.map((r) => r.messageId).sort());
    expect(f.agent.calls).toHaveLength(0);
    expect(f.events.outcomes.find((o) => o.message_id === invalid.messageId)?.status).toBe("rejected");
    expect(f.events.outcomes.filter((o) => o.status === "retrying")[0]!.last_error).toContain(
      "routing table",
    );
  });

  it("retries a record whose outcome cannot be recorded, and a later copy is not sent again", async () => {
    const f = fakeDeps();
    f.events.failWith = new Error("ProvisionedThroughputExceededException");
    const envelope = slackEnvelope();
    const record = recordOf(envelope);
    expect(failedIds(await route(f.deps, [record]))).toEqual([record.messageId]);
    expect(f.agent.calls).toHaveLength(1);
    f.events.failWith = undefined;
    expect(failedIds(await route(f.deps, [recordOf(envelope, 2)]))).toEqual([]);
    expect(f.agent.calls).toHaveLength(1);
    expect(f.events.last(envelope.id)).toMatchObject({ status: "delivered", attempts: 2 });
  });

  it("retries when the idempotency table is unavailable, without calling the agent", async () => {
    const f = fakeDeps();
    f.guard.failWith = new Error("Failed to save in progress record to idempotency store");
    const record = recordOf(slackEnvelope());
    expect(failedIds(await route(f.deps, [record]))).toEqual([record.messageId]);
    expect(f.agent.calls).toHaveLength(0);
  });

  /** Sends, then cannot remember it: the idempotency table stayed unreachable until the deadline. */
  const forgetfulGuard = {
    async once<T extends object>(_key: string, send: () => Promise<T>): Promise<never> {
      await send();
      throw new Error("delivery was sent but could not be remembered");
    },
  };

  it("keeps the agent's answer when the idempotency record cannot be completed afterwards", async () => {
    const f = fakeDeps({ guard: forgetfulGuard });
    const envelope = slackEnvelope();
    const response = await route(f.deps, [recordOf(envelope)]);
    expect(response.batchItemFailures).toEqual([]);
    expect(f.events.last(envelope.id)?.status).toBe("delivered");
  });

  it("does not retry a delivery the guard could not remember, even when its outcome cannot be recorded", async () => {
    const f = fakeDeps({ guard: forgetfulGuard });
    const envelope = slackEnvelope();
    f.events.failWith = new Error("read ECONNRESET");
    const response = await route(f.deps, [recordOf(envelope)]);
    // A retry would find no record of the delivery and send it again.
    expect(response.batchItemFailures).toEqual([]);
    expect(f.agent.calls).toHaveLength(1);
    expect(f.counts.DeliveriesNotRemembered).toBe(1);
  });

  it("does not start an agent call the invocation has no time left to finish", async () => {
    const f = fakeDeps();
    const record = recordOf(slackEnvelope());
    const router = createRouterHandler(() => f.deps);
    const context = { getRemainingTimeInMillis: () => 500 } as never;
    const response = await router({ Records: [record] } as SQSEvent, context);
    expect(failedIds(response)).toEqual([record.messageId]);
    expect(f.agent.calls).toHaveLength(0);
  });

  it("limits the agent calls in flight to AGENT_CONCURRENCY", async () => {
    const f = fakeDeps();
    f.deps.config = { ...CONFIG, agentConcurrency: 2 };
    let inFlight = 0;
    let peak = 0;
    f.agent.script = async () => {
      inFlight += 1;
      peak = Math.max(peak, inFlight);
      await new Promise((r) => setTimeout(r, 20));
      inFlight -= 1;
      return DELIVERED;
    };
    await route(
      f.deps,
      Array.from({ length: 6 }, () => recordOf(slackEnvelope())),
    );
    expect(f.agent.calls).toHaveLength(6);
    expect(peak).toBe(2);
  });
});
