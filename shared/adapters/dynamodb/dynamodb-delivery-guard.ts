import type { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { DynamoDBDocumentClient, PutCommand, UpdateCommand } from "@aws-sdk/lib-dynamodb";
import { IDEMPOTENCY_TABLE } from "../../config/resources";
import { storedDeliveryKey } from "../../envelope/delivery-key";
import { type DeliveryClaim, DeliveryRecords } from "../../operations/delivery-records";
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
  /** The claim and its holder's answer are read as the operators' tools read them. */
  private readonly records: DeliveryRecords;
  /** Keys answered for good whose outcome could not be recorded: copies are answered from here. */
  private readonly remembered = new Map<string, DeliverySummary>();

  constructor(private readonly options: DynamoDbDeliveryGuardOptions) {
    this.doc = DynamoDBDocumentClient.from(options.client);
    this.now = options.now ?? Date.now;
    this.records = new DeliveryRecords(this.doc, options.claimsTable, options.eventsTable, this.now);
  }

  async claim(key: string, eventId: string, holdMs: number): Promise<Claim> {
    const known = this.remembered.get(key);
    if (known) return { kind: "handled", original: known };
    const claimUntil = this.now() + holdMs;
    if (await this.put(key, eventId, claimUntil, undefined)) return { kind: "claimed" };
    const current = await this.records.claim(key);
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
    const current = await this.records.claim(key);
    return { kind: "in_progress", holder: current?.holder ?? "unknown" };
  }

  /**
   * Writes the claim if the key is free (`previous` undefined) or still held as `previous` was read:
   * false when another copy got there first.
   */
  private async put(key: string, eventId: string, claimUntil: number, previous: DeliveryClaim | undefined) {
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

  /** The holder's final answer, when its outcome record says the agent answered for good. */
  private async outcomeOf(holder: string): Promise<DeliverySummary | undefined> {
    const remembered = [...this.remembered.values()].find((s) => s.event_id === holder);
    if (remembered) return remembered;
    return this.records.answerOf(holder);
  }
}
