import { afterEach, describe, expect, it, vi } from "vitest";
import { namespacedDeliveryKey } from "../../../shared/envelope/delivery-key";
import { DestinationBreakers } from "../../../shared/router/destination-breaker";
import {
  BAD_REQUEST,
  CONFIG,
  DELIVERED,
  envelopeWith,
  failedIds,
  fakeDeps,
  githubEnvelope,
  MapTokens,
  recordOf,
  route,
  SERVER_ERROR,
  slackEnvelope,
  sqsRecord,
} from "./router-fakes";

afterEach(() => vi.restoreAllMocks());

describe("router: one batch", () => {
  it("delivers a routed event to its team's agent and records it", async () => {
    const f = fakeDeps();
    const envelope = slackEnvelope();
    const response = await route(f.deps, [recordOf(envelope)]);
    expect(response.batchItemFailures).toEqual([]);
    expect(f.agent.calls).toHaveLength(1);
    expect(f.agent.calls[0]).toMatchObject({
      url: CONFIG.agentUrl,
      webhookId: envelope.id,
      correlationId: envelope.correlation_id,
    });
    expect(f.agent.calls[0]!.token).toBeUndefined();
    const [request] = f.agent.requests();
    expect(request!.meta).toEqual({
      id: envelope.id,
      provider: "slack",
      event_type: "app_mention",
      delivery_key: `/webhooks/slack/events:${envelope.delivery_key}`,
      received_at: envelope.received_at,
      team: {
        org_id: "extend",
        team_node_id: "extend-sre",
        matched_by: "slack_channel_id",
        identifier: "C0A4967KRBM",
      },
    });
    expect(f.events.last(envelope.id)).toMatchObject({
      status: "delivered",
      provider: "slack",
      delivery_key: envelope.delivery_key, // the provider's own id, as operators search for it
      org_id: "extend",
      team_node_id: "extend-sre",
      matched_by: "slack_channel_id",
      attempts: 1,
      agent_status: 202,
      body: JSON.stringify(envelope),
    });
    expect(f.counts).toMatchObject({ EventsDelivered: 1, EndToEndLatency: 1 });
    expect(f.values.EndToEndLatency![0]).toBeGreaterThanOrEqual(1500);
    expect(f.lines.filter((l) => l.fields.event_id === envelope.id)).toHaveLength(1);
  });

  it("inserts the payload text verbatim: big integers, key order, spacing and deep nesting survive", async () => {
    const f = fakeDeps();
    const deep = `${"[".repeat(5000)}1${"]".repeat(5000)}`;
    const text = `{ "z":12345678901234567890,"event" : {"type":"app_mention","channel":"C0A4967KRBM"},\n "a":1.50, "deep":${deep}, "emoji":"🔥\\ufffe" }`;
    const envelope = envelopeWith({}, text);
    expect(failedIds(await route(f.deps, [recordOf(envelope)]))).toEqual([]);
    expect(f.agent.requests()[0]!.payloadText).toBe(text);
    expect(f.agent.calls[0]!.body.endsWith(`"payload":${text}}`)).toBe(true);
  });

  it("reads a legacy v1 envelope's payload (queued by an older deployment)", async () => {
    const f = fakeDeps();
    const {
      payload_text,
      v: _v,
      ...meta
    } = slackEnvelope() as Extract<ReturnType<typeof slackEnvelope>, { v: 3 }>;
    const legacy = { ...meta, v: 1, payload: JSON.parse(payload_text) };
    await route(f.deps, [sqsRecord(JSON.stringify(legacy))]);
    expect(f.agent.requests()[0]!.payloadText).toBe(payload_text);
  });

  it("sends to the team's agent override, with the team's token when it has one", async () => {
    const f = fakeDeps({ tokens: new MapTokens({ "teams/acme-payments": "tok-123" }) });
    f.teams = Object.assign(f.teams, {});
    f.deps.teams = {
      resolveTeams: async (batch) =>
        batch.map(() => ({
          org_id: "acme",
          team_node_id: "payments",
          matched_by: "slack_channel_id" as const,
          identifier: "COVERRIDE1",
          agent: { url: "https://acme-agent.example.com/run", token_secret: "teams/acme-payments" },
        })),
    };
    await route(f.deps, [recordOf(slackEnvelope({}, "COVERRIDE1"))]);
    expect(f.agent.calls[0]).toMatchObject({ url: "https://acme-agent.example.com/run", token: "tok-123" });
    expect(JSON.stringify(f.lines)).not.toContain("tok-123");
  });

  it("defers an event whose team token cannot be read, without calling the agent", async () => {
    const f = fakeDeps();
    f.deps.teams = {
      resolveTeams: async (batch) =>
        batch.map(() => ({
          org_id: "acme",
          team_node_id: "payments",
          matched_by: "slack_channel_id" as const,
          identifier: "COVERRIDE1",
          agent: { token_secret: "teams/missing" },
        })),
    };
    const envelope = slackEnvelope({}, "COVERRIDE1");
    const record = recordOf(envelope);
    expect(failedIds(await route(f.deps, [record]))).toEqual([record.messageId]);
    expect(f.agent.calls).toHaveLength(0);
    expect(f.events.last(envelope.id)).toMatchObject({ status: "retrying" });
    expect(f.events.last(envelope.id)!.last_error).toContain("teams/missing");
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

  it("skips an identifier too long to be a key: its event ends unrouted, the rest of the batch routes", async () => {
    const f = fakeDeps();
    const poison = githubEnvelope(`acme/${"x".repeat(3000)}`);
    const good = slackEnvelope();
    const response = await route(f.deps, [recordOf(poison), recordOf(good)]);
    expect(response.batchItemFailures).toEqual([]);
    expect(f.teams.calls[0]![0]).toEqual({}); // never sent to the lookup
    expect(f.events.last(poison.id)).toMatchObject({ status: "unrouted" });
    expect(f.events.last(poison.id)!.last_error).toContain("github_repo");
    expect(f.events.last(poison.id)).not.toHaveProperty("identifiers");
    expect(f.events.last(good.id)?.status).toBe("delivered");
    const logged = f.lines.find((l) => l.fields.event_id === poison.id)!;
    expect(logged.fields.skipped_identifiers).toEqual([expect.objectContaining({ kind: "github_repo" })]);
  });

  it("hands unrouted events to DEFAULT_TEAM when configured", async () => {
    const f = fakeDeps();
    f.deps.config = { ...CONFIG, defaultTeam: { org_id: "ops", team_node_id: "triage" } };
    const envelope = slackEnvelope({}, "CUNKNOWN1");
    await route(f.deps, [recordOf(envelope)]);
    expect(f.agent.requests()[0]!.meta.team).toEqual({
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
    // A failed send gives its claim up: the retry (or a provider's resend) may send at once.
    expect(f.guard.claims.get(namespacedDeliveryKey(envelope))?.until).toBe(0);
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
    const line = f.lines.find((l) => l.fields.event_id === envelope.id)!;
    expect(String(line.fields.problems)).toContain("channel_not_found");
  });

  it("posts a failed or dead event of any provider to the team's notify.slack_channel", async () => {
    const f = fakeDeps();
    f.agent.script = () => BAD_REQUEST;
    const failed = githubEnvelope("extend/api");
    await route(f.deps, [recordOf(failed)]);
    expect(f.slack.notices).toEqual([expect.objectContaining({ channel: "CNOTIFY001" })]);
    expect(f.slack.notices[0]!.text).toContain("github issues");
    expect(f.slack.notices[0]!.text).not.toContain("example.com");
    f.agent.script = () => SERVER_ERROR;
    await route(f.deps, [recordOf(githubEnvelope("extend/api"), CONFIG.maxReceiveCount)]);
    expect(f.slack.notices.map((n) => n.channel)).toEqual(["CNOTIFY001", "CNOTIFY001"]);
  });

  it("posts no notice for a failed event of a team without a channel that did not come from Slack", async () => {
    const f = fakeDeps();
    f.agent.script = () => BAD_REQUEST;
    f.deps.config = { ...CONFIG, defaultTeam: { org_id: "ops", team_node_id: "triage" } };
    const envelope = githubEnvelope("acme/api");
    await route(f.deps, [recordOf(envelope)]);
    expect(f.events.last(envelope.id)?.status).toBe("failed");
    expect(f.slack.notices).toEqual([]);
  });

  it("sends copies of one delivery key once; a provider's resend is recorded as a duplicate of the first", async () => {
    const f = fakeDeps();
    const first = slackEnvelope();
    const resend = {
      ...first,
      id: "0b7c5a3e-3c51-4c35-9f0b-0c8a3d1e2f40",
      headers: { "x-slack-retry-num": "1" },
    };
    const response = await route(f.deps, [recordOf(first), recordOf(resend), recordOf(first)]);
    expect(response.batchItemFailures).toEqual([]);
    expect(f.agent.calls).toHaveLength(1);
    expect(f.events.last(resend.id)).toMatchObject({ status: "duplicate", duplicate_of: first.id });
    // The same event seen again keeps its own outcome: it is no duplicate of itself.
    expect(f.events.last(first.id)).toMatchObject({ status: "delivered" });
    expect(f.events.last(first.id)).not.toHaveProperty("duplicate_of");
    expect(f.counts.EventsDuplicate).toBe(1);
  });

  it("keeps two generic sources' identical ids apart: both alerts reach the agent", async () => {
    const f = fakeDeps();
    f.deps.config = { ...CONFIG, defaultTeam: { org_id: "ops", team_node_id: "triage" } };
    const text = '{"id":"42","title":"disk full"}';
    const from = (source: string) =>
      envelopeWith(
        {
          provider: "generic",
          route: "/webhooks/generic/{source}",
          source,
          event_type: "alert",
          delivery_key: "42",
        },
        text,
      );
    const datadog = from("datadog");
    const grafana = from("grafana");
    await route(f.deps, [recordOf(datadog), recordOf(grafana)]);
    expect(f.agent.calls).toHaveLength(2);
    expect(
      f.agent
        .requests()
        .map((r) => r.meta.delivery_key)
        .sort(),
    ).toEqual([
      namespacedDeliveryKey({ route: "/webhooks/generic/{source}", source: "datadog", delivery_key: "42" }),
      namespacedDeliveryKey({ route: "/webhooks/generic/{source}", source: "grafana", delivery_key: "42" }),
    ]);
    expect(f.events.last(grafana.id)?.status).toBe("delivered");
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
    f.guard.claims.set(namespacedDeliveryKey(envelope), {
      holder: "another-event",
      until: Date.now() + 60_000,
    });
    const record = recordOf(envelope);
    expect(failedIds(await route(f.deps, [record]))).toEqual([record.messageId]);
    expect(f.agent.calls).toHaveLength(0);
    expect(f.events.last(envelope.id)?.last_error).toContain("being sent right now");
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

  it("keeps recording the agent's answer while the table fails, so a later copy is not sent again", async () => {
    const f = fakeDeps();
    let failures = 2;
    const record = f.events.record.bind(f.events);
    f.events.record = async (outcome) => {
      if (failures-- > 0) throw new Error("ProvisionedThroughputExceededException");
      return record(outcome);
    };
    const envelope = slackEnvelope();
    expect(failedIds(await route(f.deps, [recordOf(envelope)]))).toEqual([]);
    expect(f.events.last(envelope.id)).toMatchObject({ status: "delivered" });
    const resend = { ...envelope, id: "0b7c5a3e-3c51-4c35-9f0b-0c8a3d1e2f42" };
    await route(f.deps, [recordOf(resend)]);
    expect(f.agent.calls).toHaveLength(1);
    expect(f.events.last(resend.id)).toMatchObject({ status: "duplicate", duplicate_of: envelope.id });
  });

  it("acknowledges an answer it could not record by the deadline, and answers copies from memory", async () => {
    const f = fakeDeps();
    f.events.failWith = new Error("read ECONNRESET");
    const envelope = slackEnvelope();
    const context = { getRemainingTimeInMillis: () => Math.max(0, deadline - Date.now()) } as never;
    const deadline = Date.now() + CONFIG.agentTimeoutMs + 1_500;
    // A retry would find no record of the answer and send it again: it is acknowledged instead.
    expect(failedIds(await route(f.deps, [recordOf(envelope)], context))).toEqual([]);
    expect(f.counts.DeliveriesNotRemembered).toBe(1);
    expect(f.lines.find((l) => l.fields.event_id === envelope.id)?.level).toBe("error");
    f.events.failWith = undefined;
    await route(f.deps, [recordOf({ ...envelope, id: "0b7c5a3e-3c51-4c35-9f0b-0c8a3d1e2f43" })]);
    expect(f.agent.calls).toHaveLength(1);
  });

  it("retries when the idempotency table is unavailable, without calling the agent", async () => {
    const f = fakeDeps();
    f.guard.failWith = new Error("Failed to save in progress record to idempotency store");
    const record = recordOf(slackEnvelope());
    expect(failedIds(await route(f.deps, [record]))).toEqual([record.messageId]);
    expect(f.agent.calls).toHaveLength(0);
  });

  it("does not start an agent call the invocation has no time left to finish", async () => {
    const f = fakeDeps();
    const record = recordOf(slackEnvelope());
    const response = await route(f.deps, [record], { getRemainingTimeInMillis: () => 500 } as never);
    expect(failedIds(response)).toEqual([record.messageId]);
    expect(f.agent.calls).toHaveLength(0);
  });
});

describe("router: one team's broken agent costs the others nothing", () => {
  const brokenAgent = (f: ReturnType<typeof fakeDeps>) => {
    f.agent.script = (call) => (call.url.includes("broken") ? SERVER_ERROR : DELIVERED);
  };

  it("delivers the healthy team's events on their first attempt while another destination fails", async () => {
    const f = fakeDeps();
    brokenAgent(f);
    const healthy = Array.from({ length: 4 }, () => slackEnvelope());
    const broken = Array.from({ length: 6 }, () => slackEnvelope({}, "CBROKEN001"));
    const records = [...broken, ...healthy].map((e) => recordOf(e));
    const response = await route(f.deps, records);
    for (const e of healthy) expect(f.events.last(e.id)).toMatchObject({ status: "delivered", attempts: 1 });
    expect(failedIds(response)).toEqual(
      records
        .slice(0, 6)
        .map((r) => r.messageId)
        .sort(),
    );
  });

  it("opens the broken destination's breaker after 5 failures: later events are deferred without a call", async () => {
    const f = fakeDeps();
    f.deps.breakers = new DestinationBreakers({ failureThreshold: 5, recoveryMs: 30_000, maxInFlight: 1 });
    brokenAgent(f);
    const broken = Array.from({ length: 8 }, () => slackEnvelope({}, "CBROKEN001"));
    await route(
      f.deps,
      broken.map((e) => recordOf(e)),
    );
    expect(f.agent.calls).toHaveLength(5);
    const deferred = f.events.outcomes.filter((o) => o.last_error?.includes("circuit open"));
    expect(deferred).toHaveLength(3);
    // Those three had claimed their keys while waiting for the one slot: each gave its claim up.
    for (const e of broken.filter((b) => deferred.some((d) => d.event_id === b.id))) {
      expect(f.guard.claims.get(namespacedDeliveryKey(e))?.until).toBe(0);
    }
    // The breaker outlives the invocation: the next batch does not call the broken agent at all.
    const healthy = slackEnvelope();
    const later = slackEnvelope({}, "CBROKEN001");
    await route(f.deps, [recordOf(later), recordOf(healthy)]);
    expect(f.agent.calls).toHaveLength(6);
    // An open destination's event is deferred before its key is claimed: no write for it.
    expect(f.guard.claims.has(namespacedDeliveryKey(later))).toBe(false);
    expect(f.agent.calls[5]!.url).toBe(CONFIG.agentUrl);
    expect(f.events.last(healthy.id)?.status).toBe("delivered");
    // Deferred at least until the breaker lets a probe through.
    expect(Math.max(...f.visibility.changes.map((c) => c.seconds))).toBeGreaterThanOrEqual(30);
  });

  it("claims a batch's keys together, not one call slot's worth at a time behind the calls", async () => {
    const f = fakeDeps();
    f.deps.breakers = new DestinationBreakers({ failureThreshold: 5, recoveryMs: 30_000, maxInFlight: 1 });
    let answer!: () => void;
    const answered = new Promise<void>((resolve) => {
      answer = resolve;
    });
    f.agent.script = async () => {
      await answered;
      return DELIVERED;
    };
    const envelopes = Array.from({ length: 3 }, () => slackEnvelope());
    const pending = route(
      f.deps,
      envelopes.map((e) => recordOf(e)),
    );
    await vi.waitFor(() => expect(f.agent.calls).toHaveLength(1));
    // One call in flight (the destination's one slot), every key already claimed.
    expect([...f.guard.claims.keys()].sort()).toEqual(envelopes.map((e) => namespacedDeliveryKey(e)).sort());
    answer();
    await pending;
    expect(f.agent.calls).toHaveLength(3);
    for (const e of envelopes) expect(f.events.last(e.id)?.status).toBe("delivered");
  });

  it("gives up a claim whose call, after waiting for a slot, no longer has time to finish", async () => {
    const f = fakeDeps();
    f.deps.breakers = new DestinationBreakers({ failureThreshold: 5, recoveryMs: 30_000, maxInFlight: 1 });
    let remaining = 10_000;
    let answer!: () => void;
    const answered = new Promise<void>((resolve) => {
      answer = resolve;
    });
    f.agent.script = async () => {
      await answered;
      return DELIVERED;
    };
    const [first, second] = [slackEnvelope(), slackEnvelope()];
    const records = [recordOf(first!), recordOf(second!)];
    const pending = route(f.deps, records, { getRemainingTimeInMillis: () => remaining } as never);
    await vi.waitFor(() => expect(f.guard.claims.size).toBe(2));
    remaining = 500; // the first call took most of the invocation
    answer();
    const response = await pending;
    expect(f.agent.calls).toHaveLength(1);
    expect(failedIds(response)).toEqual([records[1]!.messageId]);
    expect(f.events.last(second!.id)).toMatchObject({ status: "retrying" });
    expect(f.guard.claims.get(namespacedDeliveryKey(second!))?.until).toBe(0);
  });

  it("a hanging destination holds only its own slots", async () => {
    const f = fakeDeps();
    f.deps.breakers = new DestinationBreakers({ failureThreshold: 5, recoveryMs: 30_000, maxInFlight: 2 });
    let release!: () => void;
    const hang = new Promise<void>((resolve) => {
      release = resolve;
    });
    f.agent.script = async (call) => {
      if (call.url.includes("broken")) {
        await hang;
        return SERVER_ERROR;
      }
      return DELIVERED;
    };
    const healthy = Array.from({ length: 5 }, () => slackEnvelope());
    const pending = route(f.deps, [
      ...Array.from({ length: 4 }, () => recordOf(slackEnvelope({}, "CBROKEN001"))),
      ...healthy.map((e) => recordOf(e)),
    ]);
    await vi.waitFor(() => expect(f.agent.calls.filter((c) => !c.url.includes("broken"))).toHaveLength(5));
    expect(f.agent.calls.filter((c) => c.url.includes("broken"))).toHaveLength(2);
    release();
    await pending;
    for (const e of healthy) expect(f.events.last(e.id)?.status).toBe("delivered");
  });
});
