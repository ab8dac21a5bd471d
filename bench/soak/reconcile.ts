import type { AgentRequestRecord, PayloadDigest } from "../../local/faults/soak-agent";
import { classifyStatus } from "../../shared/agent/agent-result";
import type { DeadLetterSummary } from "../../shared/operations/dead-letter-queue";
import { acknowledgedEvents } from "./acknowledged";
import { type BadDataCheck, checkBadData } from "./bad-data-check";
import type { EventRow } from "./collect";
import type { Deferral } from "./deferrals";
import { checkIsolation, type IsolationCheck, type IsolationSetting } from "./isolation";
import { checkPayloads, type PayloadCheck } from "./payload-check";
import { checkSameIdSources, type SameIdCheck } from "./same-id-check";
import type { SendResult } from "./sender";
import type { PayloadShape, SendKind, WebhookClass } from "./webhooks";

/** What became of one acknowledged event (envelope id), checked in this order. */
export const FATES = [
  /** The agent accepted this very copy. */
  "delivered",
  /** The agent accepted its delivery key from another copy (a provider's resend): not sent again. */
  "delivered as another copy",
  /** The agent refused it for good (4xx): recorded `failed`. */
  "failed (agent 4xx)",
  /**
   * The agent refused it for good (its own log says so), but DynamoDB failed for the rest of the
   * router's invocation, so the `failed` record was never written (the router's log line has it).
   */
  "failed (agent 4xx), its record lost",
  /** The agent refused its delivery key for good from another copy: recorded a `duplicate` of that one. */
  "refused as another copy",
  /** No team claims it: recorded `unrouted`. */
  "unrouted",
  "rejected",
  "in the dead-letter queue",
  /** The broken team's, still backing off (or recorded dead) when the run ended: its agent is down. */
  "held back: its team's agent is down",
  "unaccounted",
] as const;
export type Fate = (typeof FATES)[number];

export interface ReconcileInput {
  sends: readonly SendResult[];
  agent: readonly AgentRequestRecord[];
  /** Agent requests whose router signature did not verify. */
  agentUnverified: number;
  outcomes: ReadonlyMap<string, EventRow>;
  deadLetters: readonly DeadLetterSummary[];
  /** When the router was killed (ms since the epoch). */
  crashes: readonly number[];
  /** The router's timeout: the longest an invocation takes from the agent's answer to recording it. */
  routerTimeoutMs: number;
  /** How late the agent may see a request the router sent just before it was killed. */
  agentLagMs: number;
  /** Every deferral the router recorded while the run went on. */
  deferrals: readonly Deferral[];
  isolation: Omit<IsolationSetting, "routerTimeoutMs">;
}

export interface Reconciliation {
  sent: number;
  httpRequests: number;
  /** Every answer ingest gave, retries included, by HTTP status (0: none). */
  ingestAnswers: Map<number, number>;
  byClass: Record<WebhookClass, number>;
  byKind: Record<SendKind, number>;
  byShape: Record<PayloadShape, number>;
  acknowledged: number;
  acknowledgedEvents: number;
  ignored: number;
  refused: Map<string, number>;
  fates: Record<Fate, number>;
  /** Event ids with no fate, and what the events table says of each. */
  unaccounted: Array<{ eventId: string; key: string; status: string }>;
  agent: {
    requests: number;
    accepted: number;
    uniqueKeys: number;
    refusedByStatus: Map<number, number>;
    /** Accepted after the router had gone (timed out, or was killed with the request in flight). */
    callerGone: number;
    unverified: number;
  };
  /** Extra 2xx acceptances of a delivery key, by what explains them. */
  duplicates: {
    unheard: number;
    afterCrash: number;
    unrecordedCrash: number;
    unexplained: UnexplainedDuplicate[];
  };
  /** The highest receive count an acknowledged event's outcome was reached on. */
  maxAttempts: number;
  /** Dead-letter messages; those whose key reached the agent anyway; those recorded `dead` with a reason. */
  deadLetters: { messages: number; keyDelivered: number; recordedDead: number };
  /** Keys the agent accepted that should never reach it. */
  badSignatureDelivered: string[];
  unknownTeamDelivered: string[];
  oversizedDelivered: string[];
  /** Keys the agent accepted that no acknowledged webhook carried. */
  deliveredUnacknowledged: string[];
  /** Acknowledged webhooks answered with another number of ids than the events they hold. */
  miscounted: number;
  payloads: PayloadCheck;
  sameId: SameIdCheck;
  badData: BadDataCheck;
  isolation: IsolationCheck;
  problems: string[];
}

/** A delivery key the agent accepted twice with nothing to explain it, and the two event ids. */
export interface UnexplainedDuplicate {
  key: string;
  eventIds: [string, string];
}

const count = <K>(map: Map<K, number>, key: K, by = 1) => map.set(key, (map.get(key) ?? 0) + by);

function refusalReason(result: SendResult): string {
  const last = result.statuses.at(-1) ?? 0;
  if (last === 401) return "401 bad signature";
  const retried = result.statuses.length > 1 ? ` after ${result.statuses.length} attempts` : "";
  return `${last === 0 ? "no answer" : String(last)}${retried}`;
}

/**
 * Every extra acceptance of a delivery key, explained if it can be. An acceptance made after the
 * router had gone (timed out, or killed) cannot have told it the key was delivered, whenever it
 * happened: extra ones beside it are "unheard". Of the acceptances the router could have heard, a
 * second one is explained only if the router was killed between the request reaching the agent
 * (less the agent's lag) and its timeout after the answer, and before the second: it died before
 * recording the answer. Or the answer could not be recorded at all (DynamoDB was down: the first
 * copy has no delivered record) and the router, which remembered it in memory only, was killed
 * before the second copy arrived. None of these can be told apart from a delivery the agent never
 * got; anything else is a real duplicate.
 */
function classifyDuplicates(input: ReconcileInput, accepted: AgentRequestRecord[]) {
  const byKey = new Map<string, AgentRequestRecord[]>();
  for (const record of accepted) byKey.set(record.key, [...(byKey.get(record.key) ?? []), record]);
  const duplicates = {
    unheard: 0,
    afterCrash: 0,
    unrecordedCrash: 0,
    unexplained: [] as UnexplainedDuplicate[],
  };
  for (const [key, records] of byKey) {
    const heard = records.filter((r) => !r.callerGone).sort((a, b) => a.at - b.at);
    duplicates.unheard += records.length - 1 - Math.max(0, heard.length - 1);
    for (let i = 1; i < heard.length; i++) {
      const before = heard[i - 1]!;
      const again = heard[i]!;
      const crashed = input.crashes.some(
        (k) =>
          k >= before.receivedAt - input.agentLagMs &&
          k <= before.at + input.routerTimeoutMs &&
          k <= again.at,
      );
      const unrecorded =
        input.outcomes.get(before.eventId)?.status !== "delivered" &&
        input.crashes.some((k) => k >= before.at && k <= again.at);
      if (crashed) duplicates.afterCrash += 1;
      else if (unrecorded) duplicates.unrecordedCrash += 1;
      else duplicates.unexplained.push({ key, eventIds: [before.eventId, again.eventId] });
    }
  }
  return duplicates;
}

const tally = <K extends string>(keys: readonly K[]) =>
  Object.fromEntries(keys.map((k) => [k, 0])) as Record<K, number>;

export function reconcile(input: ReconcileInput): Reconciliation {
  const byClass = tally<WebhookClass>([
    "routable",
    "unknown-team",
    "oversized-id",
    "bad-signature",
    "broken-team",
  ]);
  const byKind = tally<SendKind>(["original", "duplicate", "slack-retry"]);
  const byShape = tally<PayloadShape>(["sample", "odd", "large", "deep", "same-id"]);
  const refused = new Map<string, number>();
  const classOfKey = new Map<string, WebhookClass>();
  const signed = new Map<string, PayloadDigest>();
  let httpRequests = 0;
  const ingestAnswers = new Map<number, number>();
  let ignored = 0;
  const problems: string[] = [];
  for (const result of input.sends) {
    const { cls, kind, shape, events } = result.webhook;
    byClass[cls] += 1;
    byKind[kind] += 1;
    byShape[shape] += 1;
    httpRequests += result.statuses.length;
    for (const status of result.statuses) count(ingestAnswers, status);
    for (const { key, payload } of events) {
      classOfKey.set(key, cls);
      signed.set(key, payload);
    }
    if (result.outcome === "ignored") ignored += 1;
    if (result.outcome === "refused") count(refused, refusalReason(result));
    if (result.outcome === "accepted" && cls === "bad-signature") {
      problems.push(`a tampered webhook was acknowledged (${events[0]?.key})`);
    }
  }
  const { events: acknowledged, miscounted } = acknowledgedEvents(input.sends, input.outcomes);

  const accepted = input.agent.filter((r) => r.status >= 200 && r.status < 300);
  const acceptedKeys = new Set(accepted.map((r) => r.key));
  const acceptedIds = new Set(accepted.map((r) => r.eventId));
  const deadLetterIds = new Set(input.deadLetters.map((d) => d.event_id));
  const keyOfEvent = new Map(acknowledged.map((a) => [a.eventId, a.key]));
  const refusedByStatus = new Map<number, number>();
  for (const r of input.agent) if (r.status >= 300) count(refusedByStatus, r.status);
  // Refusals the router heard and takes as final: what its `failed` record says, or would have.
  const refusedIds = new Set(
    input.agent
      .filter((r) => !r.callerGone && classifyStatus(r.status) === "permanent")
      .map((r) => r.eventId),
  );
  const refusedForGood = (eventId: string) =>
    input.outcomes.get(eventId)?.status === "failed" || refusedIds.has(eventId);

  const fates = tally<Fate>(FATES);
  const unaccounted: Reconciliation["unaccounted"] = [];
  const deliveredIds = new Set<string>();
  for (const { eventId, key, cls } of acknowledged) {
    const row = input.outcomes.get(eventId);
    const status = row?.status;
    let fate: Fate;
    if (acceptedIds.has(eventId)) fate = "delivered";
    else if (acceptedKeys.has(key)) fate = "delivered as another copy";
    else if (status === "failed") fate = "failed (agent 4xx)";
    else if (refusedIds.has(eventId)) fate = "failed (agent 4xx), its record lost";
    else if (status === "duplicate" && refusedForGood(row?.duplicate_of ?? "")) {
      fate = "refused as another copy";
    } else if (status === "unrouted" || status === "rejected") fate = status;
    else if (deadLetterIds.has(eventId)) fate = "in the dead-letter queue";
    else if (cls === "broken-team" && (status === "retrying" || status === "dead")) {
      fate = "held back: its team's agent is down";
    } else {
      fate = "unaccounted";
      unaccounted.push({ eventId, key, status: status ?? "no record" });
    }
    if (fate === "delivered") deliveredIds.add(eventId);
    fates[fate] += 1;
  }

  const acknowledgedKeys = new Set(acknowledged.map((a) => a.key));
  const attempts = acknowledged.map((a) => input.outcomes.get(a.eventId)?.attempts ?? 0);
  const keysOf = (cls: WebhookClass) => [...acceptedKeys].filter((key) => classOfKey.get(key) === cls);
  const duplicates = classifyDuplicates(input, accepted);
  const result: Reconciliation = {
    sent: input.sends.length,
    httpRequests,
    ingestAnswers,
    byClass,
    byKind,
    byShape,
    acknowledged: input.sends.filter((s) => s.outcome === "accepted").length,
    acknowledgedEvents: acknowledged.length,
    ignored,
    refused,
    fates,
    unaccounted,
    agent: {
      requests: input.agent.length,
      accepted: accepted.length,
      uniqueKeys: acceptedKeys.size,
      refusedByStatus,
      callerGone: accepted.filter((r) => r.callerGone).length,
      unverified: input.agentUnverified,
    },
    duplicates,
    maxAttempts: Math.max(0, ...attempts),
    deadLetters: {
      messages: input.deadLetters.length,
      keyDelivered: input.deadLetters.filter((d) => {
        const key = d.event_id ? keyOfEvent.get(d.event_id) : undefined;
        return key !== undefined && acceptedKeys.has(key);
      }).length,
      recordedDead: input.deadLetters.filter((d) => {
        const row = d.event_id ? input.outcomes.get(d.event_id) : undefined;
        return row?.status === "dead" && row.last_error !== undefined;
      }).length,
    },
    badSignatureDelivered: keysOf("bad-signature"),
    unknownTeamDelivered: keysOf("unknown-team"),
    oversizedDelivered: keysOf("oversized-id"),
    deliveredUnacknowledged: [...acceptedKeys].filter((key) => !acknowledgedKeys.has(key)),
    miscounted,
    payloads: checkPayloads(signed, input.agent),
    sameId: checkSameIdSources(acknowledged, acceptedKeys, input.outcomes),
    badData: checkBadData(input.sends, acknowledged, input.outcomes, input.deferrals),
    isolation: checkIsolation(acknowledged, input.agent, input.outcomes, input.deferrals, deliveredIds, {
      ...input.isolation,
      routerTimeoutMs: input.routerTimeoutMs,
    }),
    problems,
  };
  problems.push(...problemsOf(result, input));
  return result;
}

/** Every condition that fails the run, beyond a tampered webhook acknowledged (found while counting). */
function problemsOf(r: Reconciliation, input: ReconcileInput): string[] {
  const problems: string[] = [];
  const crashes = [...r.ingestAnswers].filter(([status]) => status >= 500 && status !== 503);
  if (crashes.length > 0) {
    problems.push(
      `ingest answered ${crashes.map(([s, c]) => `${s} ×${c}`).join(", ")}: only a 503 says retry`,
    );
  }
  if (r.miscounted > 0)
    problems.push(`${r.miscounted} webhooks were acknowledged with ids not one per event`);
  if (r.unaccounted.length > 0)
    problems.push(`${r.unaccounted.length} acknowledged events are unaccounted for`);
  if (r.duplicates.unexplained.length > 0) {
    problems.push(`${r.duplicates.unexplained.length} delivery keys were accepted by the agent twice`);
  }
  if (r.badSignatureDelivered.length > 0) problems.push("a tampered webhook reached the agent");
  if (r.unknownTeamDelivered.length > 0) problems.push("an unknown team's event reached the agent");
  if (input.agentUnverified > 0)
    problems.push("the agent got requests whose router signature did not verify");
  const { payloads, sameId, badData, isolation } = r;
  if (payloads.mismatched.length > 0) {
    problems.push(
      `${payloads.mismatched.length} agent requests carried a payload other than the bytes signed`,
    );
  }
  if (payloads.notAgentRequests > 0) {
    problems.push(`${payloads.notAgentRequests} agent requests were not an agent request body`);
  }
  if (sameId.lost.length > 0) {
    problems.push(`${sameId.lost.length} alerts were lost to another source's alert with the same id`);
  }
  if (badData.refused > 0 || badData.unsettled.length > 0) {
    problems.push(
      `${badData.refused + badData.unsettled.length} events with an oversized identifier did not end unrouted`,
    );
  }
  if (r.oversizedDelivered.length > 0)
    problems.push("an event with an oversized identifier reached the agent");
  if (badData.validationDeferrals.length > 0) {
    problems.push(
      `${badData.validationDeferrals.length} records were sent back to the queue by a DynamoDB validation error`,
    );
  }
  if (isolation.brokenReachedAgent.length > 0) {
    problems.push(
      `${isolation.brokenReachedAgent.length} events of the team whose agent is down reached an agent`,
    );
  }
  if (isolation.costly.length > 0) {
    problems.push(
      `${isolation.costly.length} times the healthy team's events were held back for the broken team`,
    );
  }
  return problems;
}
