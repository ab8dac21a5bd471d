import { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { GetQueueAttributesCommand, SQSClient } from "@aws-sdk/client-sqs";
import { DynamoDBDocumentClient, ScanCommand } from "@aws-sdk/lib-dynamodb";
import type { LocalPipelineDescription } from "../../local/pipeline-file";
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
  delivery_key?: string;
  duplicate_of?: string;
  last_error?: string;
  /** The receive count the outcome was reached on. */
  attempts?: number;
}

/**
 * Reads what the pipeline holds at the end, straight from the emulators (never through the fault
 * proxies): the queue's depth, the dead-letter queue and every outcome record.
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

  /** Waits until the queue has been empty twice in a row a second apart, or the timeout passes. */
  async drained(timeoutMs: number): Promise<boolean> {
    const deadline = Date.now() + timeoutMs;
    let emptyInARow = 0;
    while (Date.now() < deadline) {
      const { all } = await this.queueDepth();
      emptyInARow = all === 0 ? emptyInARow + 1 : 0;
      if (emptyInARow >= 2) return true;
      await new Promise((resolve) => setTimeout(resolve, 1000));
    }
    return false;
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
            "event_id, #status, provider, delivery_key, duplicate_of, last_error, attempts",
          ExpressionAttributeNames: { "#status": "status" },
          ...(start ? { ExclusiveStartKey: start } : {}),
        }),
      );
      for (const item of (page.Items ?? []) as EventRow[]) rows.set(item.event_id, item);
      start = page.LastEvaluatedKey;
    } while (start);
    return rows;
  }
}
