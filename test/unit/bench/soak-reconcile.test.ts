import { describe, expect, it } from "vitest";
import type { EventRow } from "../../../bench/soak/collect";
import { type ReconcileInput, reconcile } from "../../../bench/soak/reconcile";
import type { SendResult } from "../../../bench/soak/sender";
import type { WebhookClass } from "../../../bench/soak/webhooks";
import type { AgentRequestRecord } from "../../../local/faults/soak-agent";

const sent = (key: string, ids: string[], cls: WebhookClass = "routable", statuses = [200]): SendResult => ({
  webhook: { seq: 0, cls, kind: "original", provider: "github", key, path: "/webhooks/github" },
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
): AgentRequestRecord => ({
  key,
  eventId,
  status,
  receivedAt: time,
  at: time,
  callerGone,
});
const row = (event_id: string, status: EventRow["status"]): [string, EventRow] => [
  event_id,
  { event_id, status },
];

const input = (overrides: Partial<ReconcileInput>): ReconcileInput => ({
  sends: [],
  agent: [],
  agentUnverified: 0,
  outcomes: new Map(),
  deadLetters: [],
  crashes: [],
  routerTimeoutMs: 5_000,
  agentLagMs: 1_000,
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
        ],
        agent: [at("github:a", "e1", 1), at("github:b", "e3", 2, 400)],
        outcomes: new Map([row("e3", "failed"), row("e4", "unrouted"), row("e6", "retrying")]),
        deadLetters: [{ message_id: "m", event_id: "e5", body_bytes: 1 }],
      }),
    );
    expect(r.fates).toMatchObject({
      delivered: 1,
      "delivered as another copy": 1,
      "failed (agent 4xx)": 1,
      unrouted: 1,
      "in the dead-letter queue": 1,
      unaccounted: 1,
    });
    expect(r.unaccounted).toEqual([{ eventId: "e6", key: "github:e", status: "retrying" }]);
    expect(r.problems).toEqual(["1 acknowledged events are unaccounted for"]);
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
      unexplained: [{ key: "github:c", eventIds: ["c", "c"] }],
    });
    expect(r.agent).toMatchObject({ accepted: 10, uniqueKeys: 5, callerGone: 2 });
    expect(r.problems).toEqual(["1 delivery keys were accepted by the agent twice"]);
  });

  it("fails when a tampered or unknown-team webhook reaches the agent, or ingest answers 500", () => {
    const r = reconcile(
      input({
        sends: [
          sent("github:forged", [], "bad-signature", [401]),
          sent("slack:nobody", ["n1"], "unknown-team"),
          sent("github:x", [], "routable", [500, 503, 503]),
        ],
        agent: [at("github:forged", "f1", 1), at("slack:nobody", "n1", 2)],
      }),
    );
    expect(r.badSignatureDelivered).toEqual(["github:forged"]);
    expect(r.unknownTeamDelivered).toEqual(["slack:nobody"]);
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
    ]);
  });
});
