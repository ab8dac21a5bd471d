import { gunzipSync, gzipSync } from "node:zlib";
import { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { DynamoDBDocumentClient, PutCommand } from "@aws-sdk/lib-dynamodb";
import { EVENTS_TABLE } from "../config/resources";
import type { EventOutcome } from "./event-outcome";

/** The router's port onto the events table. */
export interface EventRecorder {
  /** Writes the outcome; throws when the table cannot be written (the record is then retried). */
  record(outcome: EventOutcome): Promise<void>;
}

/** DynamoDB's item limit is 400 KB including attribute names; the rest of an item stays well below this. */
const ITEM_LIMIT_BYTES = 400 * 1024;
const ITEM_OVERHEAD_BUDGET_BYTES = 16 * 1024;
export const MAX_STORED_BODY_BYTES = ITEM_LIMIT_BYTES - ITEM_OVERHEAD_BUDGET_BYTES;
const MAX_ERROR_CHARS = 1000;

/**
 * How an item keeps the message body for replay: `body` (the raw SQS body as a string) when it fits,
 * else `body_gzip` (gzip of its UTF-8 bytes) when that fits, else neither and `body_stored: false`.
 */
export function bodyAttributes(body: string): Record<string, unknown> {
  const bytes = Buffer.byteLength(body, "utf8");
  if (bytes <= MAX_STORED_BODY_BYTES) return { body, body_stored: true, body_bytes: bytes };
  const gzipped = gzipSync(Buffer.from(body, "utf8"));
  if (gzipped.length <= MAX_STORED_BODY_BYTES) {
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

/** The DynamoDB item of one outcome: attribute names as in EVENTS_TABLE, TTL in epoch seconds. */
export function eventItem(outcome: EventOutcome, now: Date): Record<string, unknown> {
  const { body, last_error, ...rest } = outcome;
  const item: Record<string, unknown> = {
    ...Object.fromEntries(Object.entries(rest).filter(([, v]) => v !== undefined)),
    [EVENTS_TABLE.partitionKey]: outcome.event_id,
    [EVENTS_TABLE.statusIndex.partitionKey]: outcome.status,
    [EVENTS_TABLE.statusIndex.sortKey]: now.toISOString(),
    [EVENTS_TABLE.ttlAttribute]: Math.floor(now.getTime() / 1000) + EVENTS_TABLE.retentionDays * 86_400,
    ...bodyAttributes(body),
  };
  if (last_error !== undefined) item.last_error = last_error.slice(0, MAX_ERROR_CHARS);
  if (outcome.identifiers && Object.keys(outcome.identifiers).length === 0) delete item.identifiers;
  return item;
}

/**
 * Records outcomes in the events table, one item per event id, overwritten as the event moves on.
 * A `delivered` item is never overwritten by a later non-delivered outcome of the same event (a
 * late, concurrent copy of the message must not make a delivered event look lost).
 */
export class DynamoDbEventStore implements EventRecorder {
  private readonly doc: DynamoDBDocumentClient;

  constructor(
    private readonly tableName: string,
    client: DynamoDBClient = new DynamoDBClient({}),
    private readonly now: () => Date = () => new Date(),
  ) {
    this.doc = DynamoDBDocumentClient.from(client, { marshallOptions: { removeUndefinedValues: true } });
  }

  async record(outcome: EventOutcome): Promise<void> {
    try {
      await this.doc.send(
        new PutCommand({
          TableName: this.tableName,
          Item: eventItem(outcome, this.now()),
          ConditionExpression:
            "attribute_not_exists(#status) OR #status <> :delivered OR :status = :delivered",
          ExpressionAttributeNames: { "#status": EVENTS_TABLE.statusIndex.partitionKey },
          ExpressionAttributeValues: { ":delivered": "delivered", ":status": outcome.status },
        }),
      );
    } catch (error) {
      if ((error as Error).name === "ConditionalCheckFailedException") return; // already delivered: keep it
      throw error;
    }
  }
}
