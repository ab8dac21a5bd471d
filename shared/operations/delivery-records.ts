import { createHash } from "node:crypto";
import { DeleteCommand, type DynamoDBDocumentClient, GetCommand } from "@aws-sdk/lib-dynamodb";
import { IDEMPOTENCY_TABLE } from "../config/resources";
import { KEY_PREFIX } from "../router/delivery-guard";
import type { DeliverySummary } from "../router/routing-decision";

/**
 * The key prefix the router's delivery guard gives Powertools Idempotency: KEY_PREFIX in
 * shared/router/delivery-guard.ts (the integration tests check this against records the real router
 * writes).
 */
export const DELIVERY_KEY_PREFIX = KEY_PREFIX;

/**
 * The idempotency table's `id` for a delivery key, formed as Powertools forms it:
 * `<prefix>#<base64 of the MD5 of the JSON of the key>` (the guard's event key path `key` selects the
 * string itself, which Powertools' key sorting leaves unchanged).
 */
export function deliveryRecordId(key: string): string {
  return `${DELIVERY_KEY_PREFIX}#${createHash("md5").update(JSON.stringify(key)).digest("base64")}`;
}

/** What the idempotency table holds about one delivery key. */
export interface DeliveryRecord {
  id: string;
  key: string;
  /** Powertools' record status: COMPLETED once the agent has answered for good, INPROGRESS while sending. */
  status: string;
  /** Epoch seconds after which Powertools ignores the record. */
  expiration?: number;
  /** Epoch milliseconds after which an INPROGRESS record may be taken over. */
  inProgressExpiration?: number;
  /** The router's summary of the agent's final answer (COMPLETED records). */
  summary?: DeliverySummary;
  /** Past its expiry: the router would treat the key as never seen (TTL deletion is lazy). */
  expired: boolean;
  /** INPROGRESS and not yet expired: a router is sending this delivery right now. */
  inProgress: boolean;
}

/** The idempotency records of deliveries: look one up, or forget it so the router delivers again. */
export class DeliveryRecords {
  constructor(
    private readonly doc: DynamoDBDocumentClient,
    readonly tableName: string,
    private readonly now: () => number = Date.now,
  ) {}

  async get(key: string): Promise<DeliveryRecord | undefined> {
    const id = deliveryRecordId(key);
    const { Item } = await this.doc.send(
      new GetCommand({
        TableName: this.tableName,
        Key: { [IDEMPOTENCY_TABLE.partitionKey]: id },
        ConsistentRead: true,
      }),
    );
    if (!Item) return undefined;
    const now = this.now();
    const expiration =
      typeof Item[IDEMPOTENCY_TABLE.ttlAttribute] === "number"
        ? Item[IDEMPOTENCY_TABLE.ttlAttribute]
        : undefined;
    const inProgressExpiration =
      typeof Item.in_progress_expiration === "number" ? Item.in_progress_expiration : undefined;
    const status = String(Item.status ?? "");
    const expired = expiration !== undefined && expiration * 1000 < now;
    const data = typeof Item.data === "string" ? safeJson(Item.data) : Item.data;
    return {
      id,
      key,
      status,
      ...(expiration !== undefined ? { expiration } : {}),
      ...(inProgressExpiration !== undefined ? { inProgressExpiration } : {}),
      ...(isSummary(data) ? { summary: data } : {}),
      expired,
      inProgress:
        status === "INPROGRESS" &&
        !expired &&
        (inProgressExpiration === undefined || inProgressExpiration > now),
    };
  }

  /**
   * Deletes the record, only if it is still the one read (same status and expiry): a delivery that
   * started in between is left alone. Returns false when it had changed.
   */
  async forget(record: DeliveryRecord): Promise<boolean> {
    try {
      await this.doc.send(
        new DeleteCommand({
          TableName: this.tableName,
          Key: { [IDEMPOTENCY_TABLE.partitionKey]: record.id },
          ConditionExpression:
            record.expiration !== undefined
              ? "#status = :status AND #expiration = :expiration"
              : "#status = :status AND attribute_not_exists(#expiration)",
          ExpressionAttributeNames: { "#status": "status", "#expiration": IDEMPOTENCY_TABLE.ttlAttribute },
          ExpressionAttributeValues: {
            ":status": record.status,
            ...(record.expiration !== undefined ? { ":expiration": record.expiration } : {}),
          },
        }),
      );
      return true;
    } catch (error) {
      if ((error as Error).name === "ConditionalCheckFailedException") return false;
      throw error;
    }
  }
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

function isSummary(value: unknown): value is DeliverySummary {
  const v = value as Partial<DeliverySummary> | undefined;
  return typeof v === "object" && v !== null && (v.outcome === "delivered" || v.outcome === "failed");
}
