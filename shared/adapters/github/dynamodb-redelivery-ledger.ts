import { type DynamoDBDocumentClient, GetCommand, PutCommand, UpdateCommand } from "@aws-sdk/lib-dynamodb";
import { EVENTS_TABLE } from "../../config/resources";
import { storedDeliveryKey } from "../../envelope/delivery-key";
import { trimField } from "../../events/event-item";
import type { EventStatus } from "../../events/event-outcome";
import { deliveryKeyOfGuid, GITHUB_ROUTE } from "../../github/github-delivery-key";
import type { RedeliveryLedger, RedeliveryRequest } from "../../github/redelivery-ledger";

/** The audit statuses of a redelivery record: asked for, or refused by GitHub. */
export const REDELIVERY_STATUSES = {
  requested: "redelivery_requested",
  refused: "redelivery_refused",
} as const satisfies Record<string, EventStatus>;

const { partitionKey: ID, statusIndex, ttlAttribute: TTL, retentionDays } = EVENTS_TABLE;

/** The events-table id of the redelivery record of `guid`: one per guid, overwritten by a later request. */
export const redeliveryRecordId = (guid: string) =>
  `redelivery:${storedDeliveryKey(deliveryKeyOfGuid(guid))}`;

const isConditionFailure = (error: unknown) => (error as Error).name === "ConditionalCheckFailedException";

/**
 * Redelivery requests in the events table, beside the audit trail's request records and listed by
 * the same status index: one item per guid (`redelivery:/webhooks/github:<guid>`), written
 * conditionally before GitHub is asked, so a guid is asked for at most once per quiet period by
 * all runs together (the scheduled function and an operator's command).
 */
export class DynamoDbRedeliveryLedger implements RedeliveryLedger {
  constructor(
    private readonly doc: DynamoDBDocumentClient,
    private readonly eventsTable: string,
    private readonly now: () => number = Date.now,
  ) {}

  async lastRequested(guid: string): Promise<Date | undefined> {
    const { Item } = await this.doc.send(
      new GetCommand({
        TableName: this.eventsTable,
        Key: { [ID]: redeliveryRecordId(guid) },
        ConsistentRead: true,
      }),
    );
    if (Item?.status !== REDELIVERY_STATUSES.requested || typeof Item.requested_at !== "string")
      return undefined;
    return new Date(Item.requested_at);
  }

  async record(request: RedeliveryRequest, notBefore: Date): Promise<boolean> {
    const at = new Date(this.now()).toISOString();
    try {
      await this.doc.send(
        new PutCommand({
          TableName: this.eventsTable,
          Item: {
            [ID]: redeliveryRecordId(request.guid),
            status: REDELIVERY_STATUSES.requested,
            [statusIndex.partitionKey]: REDELIVERY_STATUSES.requested,
            [statusIndex.sortKey]: at,
            provider: "github",
            route: GITHUB_ROUTE,
            delivery_key: trimField(request.guid),
            event_type: trimField(request.event),
            ...(request.action ? { action: trimField(request.action) } : {}),
            github_delivery_id: request.deliveryId,
            first_status: request.firstStatus,
            github_attempts: request.attempts,
            requested_at: request.requestedAt.toISOString(),
            [TTL]: Math.floor(this.now() / 1000) + retentionDays * 86_400,
          },
          ConditionExpression: "attribute_not_exists(#id) OR #status = :refused OR requested_at < :notBefore",
          ExpressionAttributeNames: { "#id": ID, "#status": "status" },
          ExpressionAttributeValues: {
            ":refused": REDELIVERY_STATUSES.refused,
            ":notBefore": notBefore.toISOString(),
          },
        }),
      );
      return true;
    } catch (error) {
      if (isConditionFailure(error)) return false;
      throw error;
    }
  }

  async recordRefused(request: RedeliveryRequest, reason: string): Promise<void> {
    try {
      await this.doc.send(
        new UpdateCommand({
          TableName: this.eventsTable,
          Key: { [ID]: redeliveryRecordId(request.guid) },
          UpdateExpression: "SET #status = :refused, #listed = :refused, #updated = :now, reason = :reason",
          // Only our own request: a later run's newer one is left alone.
          ConditionExpression: "requested_at = :requestedAt",
          ExpressionAttributeNames: {
            "#status": "status",
            "#listed": statusIndex.partitionKey,
            "#updated": statusIndex.sortKey,
          },
          ExpressionAttributeValues: {
            ":refused": REDELIVERY_STATUSES.refused,
            ":now": new Date(this.now()).toISOString(),
            ":reason": trimField(reason),
            ":requestedAt": request.requestedAt.toISOString(),
          },
        }),
      );
    } catch (error) {
      if (!isConditionFailure(error)) throw error;
    }
  }
}
