import type { SQSRecord } from "aws-lambda";
import { namespacedDeliveryKey } from "../envelope/delivery-key";
import type { EventOutcome } from "../events/event-outcome";
import type { TeamMatch } from "../routing/team";
import { deliverToAgent } from "./deliver-to-agent";
import { destinationOf } from "./destination";
import { type PreparedRecord, prepareRecord, receiveCount } from "./prepare-record";
import type { RouterDeps } from "./router-deps";
import type { Decision, RoutedRecord } from "./routing-decision";

type Prepared = { record: SQSRecord; prepared: PreparedRecord };
/** Each delivery key's latest decision in this batch, by the event that took it. */
type Chains = Map<string, Promise<{ eventId: string; decision: Decision }>>;

/** The fields of a record's events-table item that are known before anything is decided. */
function outcomeOf({ record, prepared }: Prepared): Omit<EventOutcome, "status"> {
  const base = {
    event_id: prepared.eventId,
    message_id: record.messageId,
    attempts: receiveCount(record),
    body: record.body,
  };
  const e = prepared.envelope;
  if (!e) return base;
  return {
    ...base,
    provider: e.provider,
    route: e.route,
    ...(e.source ? { source: e.source } : {}),
    event_type: e.event_type,
    ...(e.action ? { action: e.action } : {}),
    delivery_key: e.delivery_key,
    received_at: e.received_at,
    correlation_id: e.correlation_id,
    ...(prepared.ok && Object.keys(prepared.identifiers).length > 0
      ? { identifiers: prepared.identifiers }
      : {}),
  };
}

/** Every routable record's team, by message id: one batched lookup; a failed lookup defers them all. */
async function resolveTeams(
  deps: RouterDeps,
  all: readonly Prepared[],
): Promise<Map<string, TeamMatch | undefined> | Error> {
  const routable = all.filter((p): p is Prepared & { prepared: { ok: true } } => p.prepared.ok);
  if (routable.length === 0) return new Map();
  try {
    const matches = await deps.teams.resolveTeams(routable.map((p) => p.prepared.identifiers));
    return new Map(routable.map((p, index) => [p.record.messageId, matches[index]]));
  } catch (error) {
    return error as Error;
  }
}

/**
 * Decides every record of one SQS batch, recording nothing: envelopes are parsed and payloads read
 * back concurrently, all identifiers resolved in one lookup, then each record is decided on its
 * own. A record's own bad data (no envelope, unusable identifiers, a payload gone from S3) decides
 * that record only. Copies of one delivery key within the batch are decided one after another, so
 * the second finds the first's result instead of colliding with it.
 */
export async function routeBatch(
  deps: RouterDeps,
  records: readonly SQSRecord[],
  remainingTimeMs: () => number,
): Promise<RoutedRecord[]> {
  const all = await Promise.all(
    records.map(async (record) => ({ record, prepared: await prepareRecord(record, deps.payloads) })),
  );
  const teams = await resolveTeams(deps, all);
  const chains: Chains = new Map();
  return Promise.all(all.map((p) => decideRecord(deps, p, teams, chains, remainingTimeMs)));
}

async function decideRecord(
  deps: RouterDeps,
  { record, prepared }: Prepared,
  teams: Map<string, TeamMatch | undefined> | Error,
  chains: Chains,
  remainingTimeMs: () => number,
): Promise<RoutedRecord> {
  const outcome = outcomeOf({ record, prepared });
  const routed = (decision: Decision, extra: Partial<RoutedRecord> = {}): RoutedRecord => ({
    record,
    outcome,
    ...(prepared.envelope ? { envelope: prepared.envelope } : {}),
    skipped: prepared.ok ? prepared.skipped : [],
    decision,
    ...extra,
  });
  if (!prepared.ok) {
    return routed(
      prepared.retryable
        ? { kind: "defer", deferClass: "unavailable", reason: prepared.problem }
        : { kind: "rejected", reason: prepared.problem },
    );
  }
  const withPayload = { payload: prepared.payload };
  if (teams instanceof Error) {
    return routed(
      { kind: "defer", deferClass: "unavailable", reason: `routing table unavailable: ${teams.message}` },
      withPayload,
    );
  }
  const destination = destinationOf(teams.get(record.messageId), deps.config);
  if (!destination) {
    const skipped = prepared.skipped.map((s) => s.reason);
    const reason = ["no team claims this event's identifiers", ...skipped, prepared.identifierProblem]
      .filter(Boolean)
      .join("; ");
    return routed({ kind: "unrouted", reason }, withPayload);
  }
  Object.assign(outcome, {
    org_id: destination.team.org_id,
    team_node_id: destination.team.team_node_id,
    matched_by: destination.team.matched_by,
  });
  const key = namespacedDeliveryKey(prepared.envelope);
  const decision = await inOrder(chains, key, prepared.envelope.id, () =>
    deliverToAgent(
      deps,
      { key, envelope: prepared.envelope, payloadText: prepared.payloadText, destination },
      remainingTimeMs,
    ),
  );
  return routed(decision, { ...withPayload, destination, deliveryKey: key });
}

/**
 * Runs copies of one delivery key in arrival order. A copy behind one the agent answered for good is
 * that one's duplicate (its outcome is not recorded yet, so the guard could not tell); a copy behind
 * one that did not finish is deferred.
 */
async function inOrder(
  chains: Chains,
  key: string,
  eventId: string,
  task: () => Promise<Decision>,
): Promise<Decision> {
  const previous = chains.get(key);
  const run = (async () => {
    const decision = await decideAfter(previous, key, task);
    return { eventId, decision };
  })();
  chains.set(key, run);
  return (await run).decision;
}

async function decideAfter(
  previous: Promise<{ eventId: string; decision: Decision }> | undefined,
  key: string,
  task: () => Promise<Decision>,
): Promise<Decision> {
  if (previous) {
    const earlier = await previous;
    const d = earlier.decision;
    if (d.kind === "delivered" || d.kind === "failed") {
      return {
        kind: "duplicate",
        original: {
          event_id: earlier.eventId,
          outcome: d.kind,
          ...(d.agentStatus !== undefined ? { agent_status: d.agentStatus } : {}),
          ...(d.kind === "failed" ? { error: d.error } : {}),
        },
      };
    }
    if (d.kind === "duplicate") return d;
    return {
      kind: "defer",
      deferClass: "in_progress",
      reason: `an earlier copy of delivery ${key} in this batch was not finished; retrying later`,
    };
  }
  try {
    return await task();
  } catch (error) {
    return { kind: "defer", deferClass: "unavailable", reason: (error as Error).message, unexpected: error };
  }
}
