import { gunzipSync, gzipSync } from "node:zlib";
import { EVENTS_TABLE } from "../config/resources";
import type { EventOutcome, EventStatus } from "./event-outcome";

/** DynamoDB's item limit is 400 KB including attribute names. */
const ITEM_LIMIT_BYTES = 400 * 1024;
/** Kept free of the limit for attribute names, numbers and DynamoDB's own accounting. */
const ITEM_MARGIN_BYTES = 4 * 1024;
/** The largest body an item can hold beside a minimal record. */
export const MAX_STORED_BODY_BYTES = ITEM_LIMIT_BYTES - 16 * 1024;
const MAX_ERROR_CHARS = 1000;
/**
 * Any other text field is trimmed to this: a sender controls event types, delivery ids and
 * identifiers, and one huge value must not make the record unwritable (the event would then sit in
 * the dead-letter queue with no record, although the agent may have it).
 */
export const MAX_FIELD_CHARS = 1024;

/** `value`, or its start with a note of how much was cut. */
export function trimField(value: string, max = MAX_FIELD_CHARS): string {
  return value.length <= max ? value : `${value.slice(0, max)}…[${value.length - max} more characters]`;
}

/**
 * How an item keeps the message body for replay, in at most `budget` bytes: `body` (the raw SQS body
 * as a string) when it fits, else `body_gzip` (gzip of its UTF-8 bytes) when that fits, else neither
 * and `body_stored: false`.
 */
export function bodyAttributes(body: string, budget = MAX_STORED_BODY_BYTES): Record<string, unknown> {
  const bytes = Buffer.byteLength(body, "utf8");
  if (bytes <= budget) return { body, body_stored: true, body_bytes: bytes };
  const gzipped = gzipSync(Buffer.from(body, "utf8"));
  if (gzipped.length <= budget) {
    return { body_gzip: new Uint8Array(gzipped), body_stored: true, body_bytes: bytes };
  }
  return { body_stored: false, body_bytes: bytes };
}

/** The stored message body of an events-table item (as read by the document client), if it was kept. */
export function storedBody(item: Record<string, unknown>): string | undefined {
  if (typeof item.body === "string") return item.body;
  if (item.body_gzip instanceof Uint8Array) return gunzipSync(item.body_gzip).toString("utf8");
  return undefined;
}

const trimStrings = (record: Record<string, unknown>): Record<string, unknown> =>
  Object.fromEntries(
    Object.entries(record)
      .filter(([, v]) => v !== undefined)
      .map(([k, v]) => [k, typeof v === "string" ? trimField(v) : v]),
  );

/** How long records last, for a message about one that is not (or no longer) there. */
export const RECORDS_EXPIRE = `records expire after ${EVENTS_TABLE.retentionDays} days, a delivered event's after ${EVENTS_TABLE.deliveredRetentionDays} by default`;

/**
 * The outcomes whose message body is kept, so the event can be replayed once the cause is fixed.
 * A delivered event's body is not (the agent has it, and it is most of the item's cost); a
 * retrying one is still on the queue, and a duplicate's original was handled.
 */
export const BODY_KEPT_FOR: readonly EventStatus[] = ["failed", "dead", "unrouted", "rejected"];

/**
 * The DynamoDB item of one outcome: attribute names as in EVENTS_TABLE, TTL in epoch seconds (a
 * delivered event's after `deliveredRetentionDays`, any other's after EVENTS_TABLE's retention), every
 * field trimmed, in the status index unless delivered, and the body (where it is kept) in whatever
 * room the rest leaves, so the item always fits. A delivered event's item stays under 1 KB.
 */
export function eventItem(
  outcome: EventOutcome,
  now: Date,
  deliveredRetentionDays: number = EVENTS_TABLE.deliveredRetentionDays,
): Record<string, unknown> {
  const retentionDays = outcome.status === "delivered" ? deliveredRetentionDays : EVENTS_TABLE.retentionDays;
  const { body, last_error, identifiers, ...rest } = outcome;
  const item: Record<string, unknown> = {
    ...trimStrings(rest),
    [EVENTS_TABLE.partitionKey]: outcome.event_id,
    ...(outcome.status === "delivered" ? {} : { [EVENTS_TABLE.statusIndex.partitionKey]: outcome.status }),
    [EVENTS_TABLE.statusIndex.sortKey]: now.toISOString(),
    [EVENTS_TABLE.ttlAttribute]: Math.floor(now.getTime() / 1000) + retentionDays * 86_400,
  };
  if (identifiers && Object.keys(identifiers).length > 0) item.identifiers = trimStrings(identifiers);
  if (last_error !== undefined) item.last_error = trimField(last_error, MAX_ERROR_CHARS);
  if (!BODY_KEPT_FOR.includes(outcome.status))
    return { ...item, body_bytes: Buffer.byteLength(body, "utf8") };
  const rootBytes = Buffer.byteLength(JSON.stringify(item), "utf8");
  return { ...item, ...bodyAttributes(body, ITEM_LIMIT_BYTES - ITEM_MARGIN_BYTES - rootBytes) };
}
