import { namespacedDeliveryKey } from "../envelope/delivery-key";
import { parseEnvelope } from "../envelope/envelope";
import { envelopeAttributes } from "../envelope/message-attributes";
import { BODY_KEPT_FOR, RECORDS_EXPIRE, storedBody } from "../events/event-item";
import type { EventStatus } from "../events/event-outcome";
import type { EventQueue } from "../queue/event-queue";
import type { DeliveryRecord, DeliveryRecords } from "./delivery-records";
import type { EventsTableReader } from "./events-table-reader";

/** Why a replay was not done; the message says what to do instead. */
export type ReplayRefusalReason =
  | "not_found"
  | "delivered"
  | "retrying"
  | "body_not_stored"
  | "delivered_under_other_event"
  | "in_progress"
  | "changed";

export class ReplayRefusedError extends Error {
  constructor(
    readonly reason: ReplayRefusalReason,
    message: string,
  ) {
    super(message);
    this.name = "ReplayRefusedError";
  }
}

export interface ReplayDeps {
  events: EventsTableReader;
  /** The idempotency records; a function so the table is only required when the event has a delivery key. */
  deliveries: () => DeliveryRecords;
  queue: EventQueue;
}

export interface ReplayResult {
  event_id: string;
  previous_status: EventStatus;
  forced: boolean;
  /** The namespaced delivery key (`<route>[:<source>]:<id>`), when the body is an envelope. */
  delivery_key?: string;
  /** The idempotency record removed so the router delivers again (absent: there was none). */
  /** The delivery guard's claim that was deleted: `answered` (the agent's final answer is recorded), `released` or `expired`. */
  forgotten?: { status: string; outcome?: string; agent_status?: number; event_id?: string };
  /** Set when the body is not a valid envelope: the router will reject it again. */
  warning?: string;
  body_bytes: number;
}

const agentStatusText = (status: unknown) => (typeof status === "number" ? `, agent answered ${status}` : "");

/**
 * Puts an event's recorded SQS body back on the webhook queue: same envelope, same delivery key.
 *
 * The idempotency guard keeps protecting the agent: a `delivered` event (or one whose delivery key
 * was delivered under another event id) is refused unless `force`, and so is a `retrying` one (it is
 * still on the queue). Otherwise (the agent never accepted the event: failed, dead, unrouted,
 * rejected) or with `force`, the delivery's idempotency record is deleted first, so the router sends
 * it again instead of answering with the remembered result.
 */
export async function replayEvent(
  deps: ReplayDeps,
  eventId: string,
  options: { force: boolean },
): Promise<ReplayResult> {
  const item = await deps.events.get(eventId);
  if (!item) {
    throw new ReplayRefusedError(
      "not_found",
      `no event ${eventId} in the events table '${deps.events.tableName}' (${RECORDS_EXPIRE})`,
    );
  }
  const status = item.status as EventStatus;
  const force = options.force;
  if (status === "delivered" && !force) {
    throw new ReplayRefusedError(
      "delivered",
      `event ${eventId} was already delivered to the agent (${item.updated_at}${agentStatusText(item.agent_status)}); ` +
        "replaying it would send it to the agent again. Pass --force to forget the delivery and send it again.",
    );
  }
  if (status === "retrying" && !force) {
    throw new ReplayRefusedError(
      "retrying",
      `event ${eventId} is still on the queue being retried (attempt ${item.attempts ?? "?"}): the router tries it ` +
        "again by itself, and a dead event can be replayed later. Pass --force to queue another copy now.",
    );
  }
  const body = storedBody(item);
  if (body === undefined) {
    const why = BODY_KEPT_FOR.includes(status)
      ? `was not stored (${item.body_bytes ?? "?"} bytes, too large for the events table)`
      : `is not kept for ${status} events (only for ${BODY_KEPT_FOR.join(", ")} ones, which may need a replay)`;
    throw new ReplayRefusedError(
      "body_not_stored",
      `the message body of event ${eventId} ${why}, so it cannot be replayed; ask the provider to redeliver it instead`,
    );
  }
  const parsed = parseEnvelope(body);
  const result: ReplayResult = {
    event_id: eventId,
    previous_status: status,
    forced: force,
    body_bytes: Buffer.byteLength(body, "utf8"),
  };
  if (!parsed.ok) {
    result.warning = `the recorded body is not a valid envelope (${parsed.problem.split("\n")[0]}): the router will reject it again`;
    await deps.queue.send([{ body, attributes: {} }]);
    return result;
  }
  const envelope = parsed.envelope;
  const key = namespacedDeliveryKey(envelope);
  result.delivery_key = key;
  const deliveries = deps.deliveries();
  const record = await deliveries.get(key);
  if (record) {
    refuseUnlessForgettable(record, eventId, force);
    if (!(await deliveries.forget(record))) {
      throw new ReplayRefusedError(
        "changed",
        `the idempotency record of delivery ${key} changed while replaying (a router is handling it): try again`,
      );
    }
    result.forgotten = {
      status: record.summary ? "answered" : record.expired ? "expired" : "released",
      ...(record.summary
        ? {
            outcome: record.summary.outcome,
            agent_status: record.summary.agent_status,
            event_id: record.summary.event_id,
          }
        : {}),
    };
  }
  await deps.queue.send([{ body, attributes: envelopeAttributes(envelope) }]);
  return result;
}

function refuseUnlessForgettable(record: DeliveryRecord, eventId: string, force: boolean): void {
  if (record.inProgress) {
    throw new ReplayRefusedError(
      "in_progress",
      `a router is delivering ${record.key} right now; check the event again in a minute`,
    );
  }
  const summary = record.summary;
  if (!force && !record.expired && summary?.outcome === "delivered") {
    throw new ReplayRefusedError(
      "delivered_under_other_event",
      `delivery ${record.key} was already delivered to the agent` +
        (summary.event_id && summary.event_id !== eventId ? ` as event ${summary.event_id}` : "") +
        `${agentStatusText(summary.agent_status)}; pass --force to send it again`,
    );
  }
}
