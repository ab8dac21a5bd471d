import { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { DynamoDBDocumentClient, PutCommand } from "@aws-sdk/lib-dynamodb";
import { eventItem } from "../../events/event-item";
import type { EventOutcome } from "../../events/event-outcome";
import type { EventRecorder } from "../../events/event-recorder";

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
    /** How long a delivered event's record is kept (others: EVENTS_TABLE's retention). */
    private readonly deliveredRetentionDays?: number,
  ) {
    this.doc = DynamoDBDocumentClient.from(client, { marshallOptions: { removeUndefinedValues: true } });
  }

  async record(outcome: EventOutcome): Promise<void> {
    try {
      await this.doc.send(
        new PutCommand({
          TableName: this.tableName,
          Item: eventItem(outcome, this.now(), this.deliveredRetentionDays),
          ConditionExpression:
            "attribute_not_exists(#status) OR #status <> :delivered OR :status = :delivered",
          ExpressionAttributeNames: { "#status": "status" },
          ExpressionAttributeValues: { ":delivered": "delivered", ":status": outcome.status },
        }),
      );
    } catch (error) {
      if ((error as Error).name === "ConditionalCheckFailedException") return; // already delivered: keep it
      throw error;
    }
  }
}
