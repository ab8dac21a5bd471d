import { DeleteCommand, type DynamoDBDocumentClient, GetCommand } from "@aws-sdk/lib-dynamodb";
import { EVENTS_TABLE, IDEMPOTENCY_TABLE } from "../config/resources";
import { storedDeliveryKey } from "../envelope/delivery-key";
import type { DeliverySummary } from "../router/routing-decision";

const {
  partitionKey: ID,
  ttlAttribute: TTL,
  holderAttribute: HOLDER,
  claimUntilAttribute: UNTIL,
} = IDEMPOTENCY_TABLE;

/** The delivery guard's claim item on one delivery key, as stored. */
export interface DeliveryClaim {
  /** The namespaced delivery key (the claim item's id). */
  key: string;
  /** The event holding the key. */
  holder: string;
  /** Epoch milliseconds until which the holder is working on it (0 once released). */
  claimUntil: number;
  /** Epoch seconds after which the key counts as never seen. */
  expiration?: number;
  /** Past its expiry: the router would treat the key as never seen (TTL deletion is lazy). */
  expired: boolean;
}

/** What the router's delivery guard holds about one delivery key. */
export interface DeliveryRecord extends DeliveryClaim {
  /** The holder's final answer from the agent, when its outcome record says it got one. */
  summary?: DeliverySummary;
  /** Claimed, unanswered and not yet run out: a router is sending this delivery right now. */
  inProgress: boolean;
}

/**
 * The delivery guard's claims: look one up, or forget it so the router delivers again (operators),
 * and the one reading of a claim and of its holder's answer that the guard itself uses too.
 */
export class DeliveryRecords {
  constructor(
    private readonly doc: DynamoDBDocumentClient,
    readonly tableName: string,
    private readonly eventsTable: string,
    private readonly now: () => number = Date.now,
  ) {}

  async get(key: string): Promise<DeliveryRecord | undefined> {
    const claim = await this.claim(key);
    if (!claim) return undefined;
    const summary = await this.answerOf(claim.holder);
    return {
      ...claim,
      ...(summary ? { summary } : {}),
      inProgress: !claim.expired && !summary && claim.claimUntil > this.now(),
    };
  }

  /** The claim alone (one read), for a caller that does not need the holder's answer. */
  async claim(key: string): Promise<DeliveryClaim | undefined> {
    const { Item } = await this.doc.send(
      new GetCommand({
        TableName: this.tableName,
        Key: { [ID]: storedDeliveryKey(key) },
        ConsistentRead: true,
      }),
    );
    if (!Item) return undefined;
    const expiration = typeof Item[TTL] === "number" ? Item[TTL] : undefined;
    return {
      key,
      holder: String(Item[HOLDER] ?? ""),
      claimUntil: Number(Item[UNTIL] ?? 0),
      ...(expiration !== undefined ? { expiration } : {}),
      expired: expiration !== undefined && expiration * 1000 < this.now(),
    };
  }

  /**
   * Deletes the claim, only if it is still the one read (same holder and claim time): a delivery
   * that started in between is left alone. Returns false when it had changed.
   */
  async forget(record: DeliveryRecord): Promise<boolean> {
    try {
      await this.doc.send(
        new DeleteCommand({
          TableName: this.tableName,
          Key: { [ID]: storedDeliveryKey(record.key) },
          ConditionExpression: "#holder = :holder AND #until = :until",
          ExpressionAttributeNames: { "#holder": HOLDER, "#until": UNTIL },
          ExpressionAttributeValues: { ":holder": record.holder, ":until": record.claimUntil },
        }),
      );
      return true;
    } catch (error) {
      if ((error as Error).name === "ConditionalCheckFailedException") return false;
      throw error;
    }
  }

  /** The holder's final answer, when its outcome record says the agent answered for good. */
  async answerOf(holder: string): Promise<DeliverySummary | undefined> {
    if (!holder) return undefined;
    const { Item } = await this.doc.send(
      new GetCommand({
        TableName: this.eventsTable,
        Key: { [EVENTS_TABLE.partitionKey]: holder },
        ConsistentRead: true,
        ProjectionExpression: "#status, agent_status, last_error",
        ExpressionAttributeNames: { "#status": "status" },
      }),
    );
    const status = Item?.status;
    if (status !== "delivered" && status !== "failed") return undefined;
    return {
      event_id: holder,
      outcome: status,
      ...(typeof Item?.agent_status === "number" ? { agent_status: Item.agent_status } : {}),
      ...(status === "failed" && typeof Item?.last_error === "string" ? { error: Item.last_error } : {}),
    };
  }
}
