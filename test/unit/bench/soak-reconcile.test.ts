import { describe, expect, it } from "vitest";
import type { EventRow } from "../../../bench/soak/collect";
import type { Deferral } from "../../../bench/soak/deferrals";
import { type ReconcileInput, reconcile } from "../../../bench/soak/reconcile";
import type { SendResult } from "../../../bench/soak/sender";
import type { PayloadShape, SoakWebhook, WebhookClass } from "../../../bench/soak/webhooks";
import { type AgentRequestRecord, payloadDigest } from "../../../local/faults/soak-agent";

/** What the sender signed for `key`, unless a test says otherwise. */
const signed = (key: string) => `{"signed":${JSON.stringify(key)}}`;

const sent = (
  key: string | string[],
  ids: string[],
  cls: WebhookClass = "routable",
  statuses = [200],
  extra: Partial<Pick<SoakWebhook, "shape" | "group">> & { shape?: PayloadShape } = {},
): SendResult => ({
  webhook: {
    seq: 0,
    cls,
    kind: "original",
    shape: "sample",
    provider: "github",
    path: "/webhooks/github",
    events: [key].flat().map((k) => ({ key: k, payload: payloadDigest(signed(k)) })),
    ...extra,
  },
  statuses,
  outcome: ids.length > 0 ? "accepted" : statuses.at(-1) === 200 ? "ignored" : "refused",
  ids,
});
const at = (
  key: string,
  eventId: string,
  time: number,
  status = 200,
  callerGone = false,
  /** null: a body that is not an agent request. */
  payloadText: string | null = signed(key),
): AgentRequestRecord => ({
  key,
  eventId,
  status,
  receivedAt: time,
  at: time,
  callerGone,
  ...(payloadText !== null ? { payload: payloadDigest(payloadText) } : {}),
});
const row = (
  event_id: string,
  status: EventRow["status"],
  more: Partial<EventRow> = {},
): [string, EventRow] => [event_id, { event_id, status, ...more }];
const deferral = (eventId: string, at: number, reason: string): Deferral => ({ eventId, at, reason });

const HEALTHY = "127.0.0.1:4000";
const BROKEN = "127.0.0.1:4999";

const input = (overrides: Partial<ReconcileInput>): ReconcileInput => ({
  sends: [],
  agent: [],
  agentUnverified: 0,
  outcomes: new Map(),
  deadLetters: [],
  crashes: [],
  routerTimeoutMs: 5_000,
  agentLagMs: 1_000,
  deferrals: [],
  isolation: {
    healthyDestination: HEALTHY,
    brokenDestination: BROKEN,
    healthyOutages: [],
    breakerRecoveryMs: 30_000,
  },
  ...overrides,
});

describe("reconcile", () => {
  it("gives every acknowledged event one fate, and fails on one with none", () => {
    const r = reconcile(
      input({
        sends: [
          sent("github:a", ["e1"]),
          sent("github:a", ["e2"]), // a provider's resend of a delivered key
          sent("github:b", ["e3"]),
          sent("github:c", ["e4"]),
          sent("github:d", ["e5"]),
          sent("github:e", ["e6"]),
          sent("github:b", ["e7"]), // a provider's resend of a refused key
        ],
        agent: [at("github:a", "e1", 1), at("github:b", "e3", 2, 400)],
        outcomes: new Map([
          row("e3", "failed"),
          row("e4", "unrouted"),
          row("e6", "retrying"),
          row("e7", "duplicate", { duplicate_of: "e3" }),
        ]),
        deadLetters: [{ message_id: "m", event_id: "e5", body_bytes: 1 }],
      }),
    );
    expect(r.fates).toMatchObject({
      delivered: 1,
      "delivered as another copy": 1,
      "failed (agent 4xx)": 1,
      "refused as another copy": 1,
      unrouted: 1,
      "in the dead-letter queue": 1,
      unaccounted: 1,
    });
    expect(r.unaccounted).toEqual([{ eventId: "e6", key: "github:e", status: "retrying" }]);
    expect(r.problems).toEqual(["1 acknowledged events are unaccounted for"]);
  });

  it("accounts for a refusal whose failed record DynamoDB lost by the agent's own log, its resend too; not a retryable or unheard one", () => {
    const r = reconcile(
      input({
        sends: [
          sent("jira:a", ["a1"]),
          sent("jira:a", ["a2"]), // a resend, answered from the router's memory of a1's refusal
          sent("jira:b", ["b1"]),
          sent("jira:c", ["c1"]),
        ],
        agent: [
          at("jira:a", "a1", 1, 400), // refused for good; the failed record could not be written
          at("jira:b", "b1", 2, 503), // retryable: no final answer, so no fate from the agent's log
          at("jira:c", "c1", 3, 400, true), // refused after the router had gone: it never heard
        ],
        outcomes: new Map([row("a2", "duplicate", { duplicate_of: "a1" })]),
      }),
    );
    expect(r.fates).toMatchObject({
      "failed (agent 4xx), its record lost": 1,
      "refused as another copy": 1,
      unaccounted: 2,
    });
    expect(r.unaccounted.map((u) => u.eventId)).toEqual(["b1", "c1"]);
  });

  it("explains a second acceptance the router never heard or died before recording, and fails on any other", () => {
    const r = reconcile(
      input({
        sends: ["a", "b", "c", "d", "e"].map((k) => sent(`github:${k}`, [k])),
        agent: [
          at("github:a", "a", 1_000, 200, true), // taken after the router had given up
          at("github:a", "a", 9_000),
          at("github:b", "b", 1_000), // the router was killed 2 s later, before recording it
          at("github:b", "b", 40_000),
          at("github:c", "c", 10_000), // nothing explains the second one
          at("github:c", "c", 12_000),
          at("github:d", "d2", 5_000), // a resend taken while the first copy hung…
          at("github:d", "d1", 5_100, 200, true), // …which the agent then took too, unheard
          at("github:e", "e", 3_400), // sent just before the kill, seen by the agent just after
          at("github:e", "e", 40_000),
        ],
        crashes: [3_000],
      }),
    );
    expect(r.duplicates).toEqual({
      unheard: 2,
      afterCrash: 2,
      unrecordedCrash: 0,
      unexplained: [{ key: "github:c", eventIds: ["c", "c"] }],
    });
    expect(r.agent).toMatchObject({ accepted: 10, uniqueKeys: 5, callerGone: 2 });
    expect(r.problems).toEqual(["1 delivery keys were accepted by the agent twice"]);
  });

  it("explains a resend accepted after a kill only when the first answer was never recorded delivered", () => {
    const r = reconcile(
      input({
        sends: ["f1", "f2", "g1", "g2"].map((id) => sent(`github:${id[0]}`, [id])),
        agent: [
          at("github:f", "f1", 1_000), // accepted while DynamoDB was down: never recorded…
          at("github:f", "f2", 50_000), // …and the router was killed at 30 s, long after its timeout
          at("github:g", "g1", 1_000), // recorded delivered: a resend after the kill is a real duplicate
          at("github:g", "g2", 50_000),
        ],
        outcomes: new Map([row("f2", "delivered"), row("g1", "delivered"), row("g2", "delivered")]),
        crashes: [30_000],
      }),
    );
    expect(r.duplicates).toEqual({
      unheard: 0,
      afterCrash: 0,
      unrecordedCrash: 1,
      unexplained: [{ key: "github:g", eventIds: ["g1", "g2"] }],
    });
    expect(r.problems).toEqual(["1 delivery keys were accepted by the agent twice"]);
  });

  it("fails when a tampered, unknown-team or oversized-identifier webhook reaches the agent, or ingest answers 500", () => {
    const r = reconcile(
      input({
        sends: [
          sent("github:forged", [], "bad-signature", [401]),
          sent("slack:nobody", ["n1"], "unknown-team"),
          sent("github:huge", ["h1"], "oversized-id"),
          sent("github:x", [], "routable", [500, 503, 503]),
        ],
        agent: [at("github:forged", "f1", 1), at("slack:nobody", "n1", 2), at("github:huge", "h1", 3)],
      }),
    );
    expect(r.badSignatureDelivered).toEqual(["github:forged"]);
    expect(r.unknownTeamDelivered).toEqual(["slack:nobody"]);
    expect(r.oversizedDelivered).toEqual(["github:huge"]);
    expect(r.refused).toEqual(
      new Map([
        ["401 bad signature", 1],
        ["503 after 3 attempts", 1],
      ]),
    );
    expect(r.problems).toEqual([
      "ingest answered 500 ×1: only a 503 says retry",
      "a tampered webhook reached the agent",
      "an unknown team's event reached the agent",
      "1 events with an oversized identifier did not end unrouted",
      "an event with an oversized identifier reached the agent",
    ]);
  });

  it("pairs each id of a webhook holding several events with its own key, and fails on a miscount", () => {
    const r = reconcile(
      input({
        sends: [sent(["pd:m1", "pd:m2"], ["e1", "e2"]), sent(["pd:m3", "pd:m4"], ["e3"])],
        agent: [at("pd:m1", "e1", 1), at("pd:m2", "e2", 2), at("pd:m3", "e3", 3)],
      }),
    );
    expect(r.fates.delivered).toBe(3);
    expect(r.acknowledgedEvents).toBe(3);
    expect(r.problems).toEqual(["1 webhooks were acknowledged with ids not one per event"]);
  });
});

describe("an empty acknowledgement (Slack interactivity)", () => {
  it("finds the events by the router's records of their delivery key, and fails on one with none", () => {
    const emptyAck = (key: string): SendResult => ({ ...sent(key, []), outcome: "accepted" });
    const r = reconcile(
      input({
        sends: [emptyAck("/webhooks/slack/interactions:t1"), emptyAck("/webhooks/slack/interactions:t2")],
        agent: [at("/webhooks/slack/interactions:t1", "i1", 1)],
        outcomes: new Map([
          row("i1", "delivered", { route: "/webhooks/slack/interactions", delivery_key: "t1", attempts: 1 }),
          // The audit trail's record of some other request with that key: no receive count.
          row("audit-1", "rejected", { route: "/webhooks/slack/interactions", delivery_key: "t2" }),
        ]),
      }),
    );
    expect(r.fates).toMatchObject({ delivered: 1, unaccounted: 1 });
    expect(r.unaccounted).toEqual([
      { eventId: "unrecorded-0-0", key: "/webhooks/slack/interactions:t2", status: "no record" },
    ]);
  });
});

describe("payloads byte for byte", () => {
  it("compares every payload the agent got with the one signed for its key", () => {
    const r = reconcile(
      input({
        sends: [sent("k:exact", ["e1"]), sent("k:reserialised", ["e2"]), sent("k:unsplit", ["e3"])],
        agent: [
          at("k:exact", "e1", 1),
          // The same JSON value, re-serialised: spacing and a big integer lost.
          at("k:reserialised", "e2", 2, 200, false, '{"signed": "k:reserialised"}'),
          at("k:unsplit", "e3", 3, 200, false, null),
        ],
      }),
    );
    expect(r.payloads.compared).toBe(2);
    expect(r.payloads.mismatched).toEqual([
      expect.objectContaining({ key: "k:reserialised", eventId: "e2" }),
    ]);
    expect(r.payloads.notAgentRequests).toBe(1);
    expect(r.problems).toEqual([
      "1 agent requests carried a payload other than the bytes signed",
      "1 agent requests were not an agent request body",
    ]);
  });

  it("checks refused and failed requests too: the agent was handed the bytes either way", () => {
    const r = reconcile(
      input({
        sends: [sent("k:a", ["e1"])],
        agent: [at("k:a", "e1", 1, 500, false, "{}"), at("k:a", "e1", 2)],
      }),
    );
    expect(r.payloads).toMatchObject({ compared: 2, mismatched: [expect.objectContaining({ key: "k:a" })] });
  });
});

describe("same-id sources", () => {
  const group = { shape: "same-id" as const, group: "alert-1" };
  const datadog = "/webhooks/generic/{source}:datadog:alert-1";
  const grafana = "/webhooks/generic/{source}:grafana:alert-1";

  it("passes when every source's alert reaches the agent under its own key", () => {
    const r = reconcile(
      input({
        sends: [
          sent(datadog, ["d"], "routable", [200], group),
          sent(grafana, ["g"], "routable", [200], group),
        ],
        agent: [at(datadog, "d", 1), at(grafana, "g", 2)],
      }),
    );
    expect(r.sameId).toEqual({ groups: 1, alerts: 2, deliveredFromEverySource: 1, lost: [] });
    expect(r.problems).toEqual([]);
  });

  it("fails when one source's alert is taken for the other's", () => {
    const r = reconcile(
      input({
        sends: [
          sent(datadog, ["d"], "routable", [200], group),
          sent(grafana, ["g"], "routable", [200], group),
        ],
        agent: [at(datadog, "d", 1)],
        outcomes: new Map([row("d", "delivered"), row("g", "duplicate", { duplicate_of: "d" })]),
      }),
    );
    expect(r.sameId.lost).toEqual([{ eventId: "g", key: grafana, status: "duplicate", duplicateOf: "d" }]);
    expect(r.problems).toContain("1 alerts were lost to another source's alert with the same id");
  });

  it("does not call a resend of a refused alert lost: it duplicates a copy of its own key", () => {
    const r = reconcile(
      input({
        sends: [
          sent(datadog, ["d1"], "routable", [200], group),
          sent(datadog, ["d2"], "routable", [200], group), // the source resending it
          sent(grafana, ["g"], "routable", [200], group),
        ],
        agent: [at(datadog, "d1", 1, 400), at(grafana, "g", 2)],
        outcomes: new Map([
          row("d1", "failed", {
            route: "/webhooks/generic/{source}",
            source: "datadog",
            delivery_key: "alert-1",
          }),
          row("d2", "duplicate", { duplicate_of: "d1" }),
          row("g", "delivered"),
        ]),
      }),
    );
    expect(r.sameId.lost).toEqual([]);
    expect(r.fates["refused as another copy"]).toBe(1);
    expect(r.problems).toEqual([]);
  });

  it("does not call an alert the agent refused lost", () => {
    const r = reconcile(
      input({
        sends: [
          sent(datadog, ["d"], "routable", [200], group),
          sent(grafana, ["g"], "routable", [200], group),
        ],
        agent: [at(datadog, "d", 1), at(grafana, "g", 2, 400)],
        outcomes: new Map([row("d", "delivered"), row("g", "failed")]),
      }),
    );
    expect(r.sameId).toMatchObject({ deliveredFromEverySource: 0, lost: [] });
    expect(r.problems).toEqual([]);
  });
});

describe("oversized identifiers", () => {
  it("passes when each ends unrouted, and fails on one dead, refused by ingest, or a validation deferral", () => {
    const ok = reconcile(
      input({
        sends: [sent("github:huge1", ["h1"], "oversized-id")],
        outcomes: new Map([row("h1", "unrouted")]),
      }),
    );
    expect(ok.badData).toMatchObject({ oversized: 1, refused: 0, unsettled: [] });
    expect(ok.problems).toEqual([]);

    const bad = reconcile(
      input({
        sends: [
          sent("github:huge1", ["h1"], "oversized-id"),
          sent("github:huge2", [], "oversized-id", [400]),
          sent("github:mate", ["m1"]),
        ],
        agent: [at("github:mate", "m1", 9_000)],
        outcomes: new Map([row("h1", "dead")]),
        deadLetters: [{ message_id: "x", event_id: "h1", body_bytes: 1 }],
        deferrals: [
          deferral(
            "m1",
            1_000,
            "routing table unavailable: ValidationException: One or more parameter values were invalid",
          ),
        ],
      }),
    );
    expect(bad.badData.byStatus).toEqual(new Map([["dead", 1]]));
    expect(bad.badData.unsettled).toEqual([{ eventId: "h1", key: "github:huge1", status: "dead" }]);
    expect(bad.problems).toEqual([
      "2 events with an oversized identifier did not end unrouted",
      "1 records were sent back to the queue by a DynamoDB validation error",
    ]);
  });
});

describe("the team whose agent is down", () => {
  const healthy = (id: string) => sent(`github:${id}`, [id]);
  const storm = ["b1", "b2"].map((id) => sent(`github:${id}`, [id], "broken-team"));

  it("is held back, not unaccounted, and costs the healthy team nothing", () => {
    const r = reconcile(
      input({
        // h3's delivery could not be recorded: no receive count.
        sends: [healthy("h1"), healthy("h2"), healthy("h3"), ...storm],
        agent: [at("github:h1", "h1", 1), at("github:h2", "h2", 50_000), at("github:h3", "h3", 2)],
        outcomes: new Map([
          row("h1", "delivered", { attempts: 1 }),
          row("h2", "delivered", { attempts: 3 }),
          row("b1", "retrying"),
          row("b2", "dead"),
        ]),
        deferrals: [
          deferral(
            "b1",
            1_000,
            `agent circuit open for http://${BROKEN}/events after 5 consecutive failures`,
          ),
          // Its own agent went down at 10 s: its own breaker held it back until after the recovery.
          deferral("h2", 12_000, "agent call failed: connect ECONNREFUSED"),
          deferral(
            "h2",
            38_000,
            `agent circuit open for http://${HEALTHY}/events after 5 consecutive failures`,
          ),
        ],
        isolation: {
          healthyDestination: HEALTHY,
          brokenDestination: BROKEN,
          healthyOutages: [{ startedAt: 10_000, endedAt: 13_000 }],
          breakerRecoveryMs: 30_000,
        },
      }),
    );
    expect(r.fates["held back: its team's agent is down"]).toBe(2);
    expect(r.isolation).toMatchObject({
      brokenEvents: 2,
      brokenDeferrals: { all: 1, circuitOpen: 1 },
      brokenReachedAgent: [],
      healthyDeferrals: 2,
      costly: [],
      ownCircuitOutsideOutages: 0,
      healthyAttempts: new Map<number | "no record", number>([
        [1, 1],
        [3, 1],
        ["no record", 1],
      ]),
    });
    expect(r.problems).toEqual([]);
  });

  it("fails when its events reach an agent or hold a healthy event back", () => {
    const r = reconcile(
      input({
        sends: [healthy("h1"), healthy("h2"), healthy("h3"), ...storm],
        agent: [
          at("github:h1", "h1", 1),
          at("github:h2", "h2", 2),
          at("github:h3", "h3", 3),
          at("github:b1", "b1", 4, 500),
        ],
        outcomes: new Map([row("b1", "retrying"), row("b2", "retrying")]),
        deferrals: [
          deferral("h1", 1_000, `agent call failed: connect ECONNREFUSED ${BROKEN}`),
          deferral("h2", 2_000, "circuit open after 5 consecutive agent failures; not calling the agent"),
          // Named as its own agent's but with no outage to explain it: reported, not failed.
          deferral(
            "h3",
            3_000,
            `agent circuit open for http://${HEALTHY}/events after 5 consecutive failures`,
          ),
        ],
      }),
    );
    expect(r.isolation.brokenReachedAgent).toEqual(["github:b1"]);
    expect(r.isolation.costly.map((d) => [d.eventId, d.why])).toEqual([
      ["h1", "names the broken team's agent"],
      ["h2", "an open circuit not named as its agent's, outside its agent's outages"],
    ]);
    expect(r.isolation.ownCircuitOutsideOutages).toBe(1);
    expect(r.problems).toEqual([
      "1 events of the team whose agent is down reached an agent",
      "2 times the healthy team's events were held back for the broken team",
    ]);
  });
});
