import type { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { DynamoDBDocumentClient, GetCommand, PutCommand, UpdateCommand } from "@aws-sdk/lib-dynamodb";
import { EVENTS_TABLE, IDEMPOTENCY_TABLE } from "../../config/resources";
import { storedDeliveryKey } from "../../envelope/delivery-key";
import type { Claim, DeliveryGuard } from "../../router/delivery-guard";
import type { DeliverySummary } from "../../router/routing-decision";

export interface DynamoDbDeliveryGuardOptions {
  client: DynamoDBClient;
  /** The claims (IDEMPOTENCY_TABLE). */
  claimsTable: string;
  /** The events table: a holder's outcome record says whether its key was handled. */
  eventsTable: string;
  /** How long a handled key is remembered (a copy inside this window is not sent again). */
  windowSeconds: number;
  now?: () => number;
}

interface ClaimItem {
  holder: string;
  claimUntil: number;
  /** Past the idempotency window: the key counts as never seen. */
  expired: boolean;
}

const isConditionFailure = (error: unknown) => (error as Error).name === "ConditionalCheckFailedException";

const {
  partitionKey: ID,
  ttlAttribute: TTL,
  holderAttribute: HOLDER,
  claimUntilAttribute: UNTIL,
} = IDEMPOTENCY_TABLE;

/**
 * Claims on a DynamoDB table, one item per delivery key, written only if absent. A key that is
 * present belongs to its holder until the holder's own outcome record (in the events table) says it
 * was answered for good; a holder whose claim ran out or was released without such an outcome (it
 * failed, crashed, or timed out) is taken over by the next copy, conditionally, so only one wins.
 */
export class DynamoDbDeliveryGuard implements DeliveryGuard {
  private readonly doc: DynamoDBDocumentClient;
  private readonly now: () => number;
  /** Keys answered for good whose outcome could not be recorded: copies are answered from here. */
  private readonly remembered = new Map<string, DeliverySummary>();

  constructor(private readonly options: DynamoDbDeliveryGuardOptions) {
    this.doc = DynamoDBDocumentClient.from(options.client);
    this.now = options.now ?? Date.now;
  }

  async claim(key: string, eventId: string, holdMs: number): Promise<Claim> {
    const known = this.remembered.get(key);
    if (known) return { kind: "handled", original: known };
    const claimUntil = this.now() + holdMs;
    if (await this.put(key, eventId, claimUntil, undefined)) return { kind: "claimed" };
    const current = await this.current(key);
    if (!current) {
      // Deleted between the write and the read: claim it afresh.
      return (await this.put(key, eventId, claimUntil, undefined)) ? { kind: "claimed" } : this.busy(key);
    }
    if (!current.expired) {
      const outcome = await this.outcomeOf(current.holder);
      if (outcome) return { kind: "handled", original: outcome };
      if (current.claimUntil > this.now()) return { kind: "in_progress", holder: current.holder };
    }
    // Past the idempotency window (TTL deletes lazily), or given up by a holder that never got a
    // final answer: the next copy takes it over, and only one of several can.
    return (await this.put(key, eventId, claimUntil, current)) ? { kind: "claimed" } : this.busy(key);
  }

  async release(key: string, eventId: string): Promise<void> {
    try {
      await this.doc.send(
        new UpdateCommand({
          TableName: this.options.claimsTable,
          Key: { [ID]: storedDeliveryKey(key) },
          UpdateExpression: "SET #until = :zero",
          ConditionExpression: "#holder = :me",
          ExpressionAttributeNames: { "#until": UNTIL, "#holder": HOLDER },
          ExpressionAttributeValues: { ":zero": 0, ":me": eventId },
        }),
      );
    } catch {
      // Not released: the claim runs out by itself.
    }
  }

  remember(key: string, summary: DeliverySummary): void {
    this.remembered.set(key, summary);
  }

  private async busy(key: string): Promise<Claim> {
    const current = await this.current(key);
    return { kind: "in_progress", holder: current?.holder ?? "unknown" };
  }

  /**
   * Writes the claim if the key is free (`previous` undefined) or still held as `previous` was read:
   * false when another copy got there first.
   */
  private async put(key: string, eventId: string, claimUntil: number, previous: ClaimItem | undefined) {
    try {
      await this.doc.send(
        new PutCommand({
          TableName: this.options.claimsTable,
          Item: {
            [ID]: storedDeliveryKey(key),
            [HOLDER]: eventId,
            [UNTIL]: claimUntil,
            [TTL]: Math.floor(this.now() / 1000) + this.options.windowSeconds,
          },
          ...(previous
            ? {
                ConditionExpression: "#holder = :holder AND #until = :until",
                ExpressionAttributeNames: { "#holder": HOLDER, "#until": UNTIL },
                ExpressionAttributeValues: { ":holder": previous.holder, ":until": previous.claimUntil },
              }
            : { ConditionExpression: "attribute_not_exists(#id)", ExpressionAttributeNames: { "#id": ID } }),
        }),
      );
      return true;
    } catch (error) {
      if (isConditionFailure(error)) return false;
      throw error;
    }
  }

  private async current(key: string): Promise<ClaimItem | undefined> {
    const { Item } = await this.doc.send(
      new GetCommand({
        TableName: this.options.claimsTable,
        Key: { [ID]: storedDeliveryKey(key) },
        ConsistentRead: true,
      }),
    );
    if (!Item) return undefined;
    return {
      holder: String(Item[HOLDER]),
      claimUntil: Number(Item[UNTIL] ?? 0),
      expired: typeof Item[TTL] === "number" && Item[TTL] * 1000 < this.now(),
    };
  }

  /** The holder's final answer, when its outcome record says the agent answered for good. */
  private async outcomeOf(holder: string): Promise<DeliverySummary | undefined> {
    const remembered = [...this.remembered.values()].find((s) => s.event_id === holder);
    if (remembered) return remembered;
    const { Item } = await this.doc.send(
      new GetCommand({
        TableName: this.options.eventsTable,
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
