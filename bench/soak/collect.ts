import { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { GetQueueAttributesCommand, SQSClient } from "@aws-sdk/client-sqs";
import { DynamoDBDocumentClient, QueryCommand, ScanCommand } from "@aws-sdk/lib-dynamodb";
import type { LocalPipelineDescription } from "../../local/pipeline-file";
import { EVENTS_TABLE } from "../../shared/config/resources";
import type { EventStatus } from "../../shared/events/event-outcome";
import {
  type DeadLetterSummary,
  peekMessages,
  summariseDeadLetter,
} from "../../shared/operations/dead-letter-queue";

/** An outcome record of the events table, as far as reconciliation needs it. */
export interface EventRow {
  event_id: string;
  status: EventStatus;
  provider?: string;
  /** The route and generic source it came in on, and the provider's own delivery id. */
  route?: string;
  source?: string;
  delivery_key?: string;
  duplicate_of?: string;
  last_error?: string;
  /** The team it was routed to. */
  team_node_id?: string;
  /** The receive count the outcome was reached on. */
  attempts?: number;
}

/** A record as the by-status index carries it (no stored body). */
export interface StatusRow extends Omit<EventRow, "status"> {
  updated_at: string;
}

/**
 * Reads what the pipeline holds, straight from the emulators (never through the fault proxies):
 * while it runs, the queue's depth and the records going back to the queue; at the end, the
 * dead-letter queue and every outcome record.
 */
export class PipelineState {
  private readonly sqs: SQSClient;
  private readonly doc: DynamoDBDocumentClient;

  constructor(private readonly description: LocalPipelineDescription) {
    const client = {
      region: description.region,
      credentials: { accessKeyId: "local", secretAccessKey: "local" },
    };
    this.sqs = new SQSClient({ ...client, endpoint: description.sqsEndpoint, useQueueUrlAsEndpoint: false });
    this.doc = DynamoDBDocumentClient.from(
      new DynamoDBClient({ ...client, endpoint: description.dynamodbEndpoint }),
    );
  }

  /** Messages on the webhook queue: waiting to be routed, and all (in flight or backing off too). */
  async queueDepth(): Promise<{ waiting: number; all: number }> {
    const { Attributes = {} } = await this.sqs.send(
      new GetQueueAttributesCommand({
        QueueUrl: this.description.queueUrl,
        AttributeNames: [
          "ApproximateNumberOfMessages",
          "ApproximateNumberOfMessagesNotVisible",
          "ApproximateNumberOfMessagesDelayed",
        ],
      }),
    );
    const all = Object.values(Attributes).reduce((sum, n) => sum + Number(n), 0);
    return { waiting: Number(Attributes.ApproximateNumberOfMessages ?? 0), all };
  }

  /**
   * Waits until the queue is empty, or holds only messages that may stay, twice in a row a second
   * apart, or the timeout passes. The ones that may stay are the broken team's `mayStay`: they back
   * off until they are dead, which outlasts a short run. Each is on the queue or in the dead-letter
   * queue, so while the two together hold no more than them, nothing else is left on the queue (a
   * healthy message in the dead-letter queue only makes the wait last until the queue is empty).
   */
  async drained(timeoutMs: number, mayStay: number): Promise<boolean> {
    const deadline = Date.now() + timeoutMs;
    let settledInARow = 0;
    while (Date.now() < deadline) {
      const [{ all }, deadLetters] = await Promise.all([this.queueDepth(), this.deadLetterCount()]);
      settledInARow = all === 0 || all + deadLetters <= mayStay ? settledInARow + 1 : 0;
      if (settledInARow >= 2) return true;
      await new Promise((resolve) => setTimeout(resolve, 1000));
    }
    return false;
  }

  private async deadLetterCount(): Promise<number> {
    const { Attributes = {} } = await this.sqs.send(
      new GetQueueAttributesCommand({
        QueueUrl: this.description.deadLetterQueueUrl,
        AttributeNames: ["ApproximateNumberOfMessages", "ApproximateNumberOfMessagesNotVisible"],
      }),
    );
    return Object.values(Attributes).reduce((sum, n) => sum + Number(n), 0);
  }

  /** Records whose latest outcome is `retrying`, updated at or after `since` (an ISO time). */
  async retryingSince(since: string): Promise<StatusRow[]> {
    const { name, partitionKey, sortKey } = EVENTS_TABLE.statusIndex;
    const rows: StatusRow[] = [];
    let start: Record<string, unknown> | undefined;
    do {
      const page = await this.doc.send(
        new QueryCommand({
          TableName: this.description.eventsTable,
          IndexName: name,
          KeyConditionExpression: "#status = :retrying AND #at >= :since",
          ExpressionAttributeNames: { "#status": partitionKey, "#at": sortKey },
          ExpressionAttributeValues: { ":retrying": "retrying" satisfies EventStatus, ":since": since },
          ...(start ? { ExclusiveStartKey: start } : {}),
        }),
      );
      rows.push(...((page.Items ?? []) as StatusRow[]));
      start = page.LastEvaluatedKey;
    } while (start);
    return rows;
  }

  /** Every message in the dead-letter queue (peeked, not consumed). */
  async deadLetters(): Promise<DeadLetterSummary[]> {
    const { messages } = await peekMessages(this.sqs, this.description.deadLetterQueueUrl, 1_000_000);
    const now = new Date();
    return messages.map((message) => summariseDeadLetter(message, now));
  }

  /** Every outcome record, by event id (a consistent scan: the run is over, nothing writes). */
  async outcomes(): Promise<Map<string, EventRow>> {
    const rows = new Map<string, EventRow>();
    let start: Record<string, unknown> | undefined;
    do {
      const page = await this.doc.send(
        new ScanCommand({
          TableName: this.description.eventsTable,
          ConsistentRead: true,
          ProjectionExpression:
            "event_id, #status, provider, #route, #source, delivery_key, duplicate_of, last_error, attempts, team_node_id",
          ExpressionAttributeNames: { "#status": "status", "#route": "route", "#source": "source" },
          ...(start ? { ExclusiveStartKey: start } : {}),
        }),
      );
      for (const item of (page.Items ?? []) as EventRow[]) rows.set(item.event_id, item);
      start = page.LastEvaluatedKey;
    } while (start);
    return rows;
  }
}
