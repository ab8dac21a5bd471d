import {
  DeleteMessageBatchCommand,
  type Message,
  type MessageAttributeValue,
  ReceiveMessageCommand,
  type SQSClient,
} from "@aws-sdk/client-sqs";
import type { SQSBatchResponse, SQSEvent, SQSMessageAttributes, SQSRecord } from "aws-lambda";

export type SqsLambda = (event: SQSEvent) => Promise<SQSBatchResponse | undefined>;

export interface SqsEventSourceOptions {
  client: SQSClient;
  queueUrl: string;
  queueArn: string;
  region: string;
  handler: SqsLambda;
  /** Records per invocation (Lambda's BatchSize). */
  batchSize?: number;
  /** How long to gather records before invoking with a partial batch (Lambda's MaximumBatchingWindowInSeconds). */
  batchWindowMs?: number;
  /** Invocations in flight at once (Lambda's ScalingConfig.MaximumConcurrency). */
  concurrency?: number;
  onError?: (error: unknown) => void;
}

function lambdaAttributes(
  attributes: Record<string, MessageAttributeValue> | undefined,
): SQSMessageAttributes {
  const out: SQSMessageAttributes = {};
  for (const [name, value] of Object.entries(attributes ?? {})) {
    out[name] = {
      dataType: value.DataType ?? "String",
      ...(value.StringValue !== undefined ? { stringValue: value.StringValue } : {}),
      ...(value.BinaryValue !== undefined
        ? { binaryValue: Buffer.from(value.BinaryValue).toString("base64") }
        : {}),
      stringListValues: [],
      binaryListValues: [],
    };
  }
  return out;
}

/** A received SQS message in the shape Lambda hands to a function. */
export function toSqsRecord(message: Message, queueArn: string, region: string): SQSRecord {
  const a = message.Attributes ?? {};
  return {
    messageId: message.MessageId!,
    receiptHandle: message.ReceiptHandle!,
    body: message.Body ?? "",
    attributes: {
      ApproximateReceiveCount: a.ApproximateReceiveCount ?? "1",
      SentTimestamp: a.SentTimestamp ?? String(Date.now()),
      SenderId: a.SenderId ?? "000000000000",
      ApproximateFirstReceiveTimestamp: a.ApproximateFirstReceiveTimestamp ?? String(Date.now()),
    },
    messageAttributes: lambdaAttributes(message.MessageAttributes),
    md5OfBody: message.MD5OfBody ?? "",
    eventSource: "aws:sqs",
    eventSourceARN: queueArn,
    awsRegion: region,
  };
}

/**
 * What Lambda's SQS event source mapping does, on a laptop: long-poll the queue, gather a batch,
 * invoke the function, delete what succeeded and leave `batchItemFailures` (or everything, if the
 * function threw) to reappear after their visibility timeout, so redrive to the dead-letter queue
 * happens exactly as in AWS.
 */
export class SqsEventSource {
  private running = false;
  private readonly pollers: Promise<void>[] = [];
  private readonly abort = new AbortController();

  constructor(private readonly options: SqsEventSourceOptions) {}

  start(): void {
    if (this.running) return;
    this.running = true;
    for (let i = 0; i < (this.options.concurrency ?? 1); i++) this.pollers.push(this.poll());
  }

  async stop(): Promise<void> {
    this.running = false;
    this.abort.abort();
    await Promise.allSettled(this.pollers);
  }

  private async receive(max: number, waitSeconds: number): Promise<Message[]> {
    const { Messages } = await this.options.client.send(
      new ReceiveMessageCommand({
        QueueUrl: this.options.queueUrl,
        MaxNumberOfMessages: Math.min(10, max),
        WaitTimeSeconds: waitSeconds,
        MessageSystemAttributeNames: ["All"],
        MessageAttributeNames: ["All"],
      }),
      { abortSignal: this.abort.signal },
    );
    return Messages ?? [];
  }

  private async gatherBatch(): Promise<Message[]> {
    const batchSize = this.options.batchSize ?? 10;
    const batch = await this.receive(batchSize, 1);
    const deadline = Date.now() + (this.options.batchWindowMs ?? 0);
    while (this.running && batch.length > 0 && batch.length < batchSize && Date.now() < deadline) {
      const more = await this.receive(batchSize - batch.length, 0);
      if (more.length === 0) await new Promise((r) => setTimeout(r, 20));
      batch.push(...more);
    }
    return batch;
  }

  private async poll(): Promise<void> {
    while (this.running) {
      try {
        const batch = await this.gatherBatch();
        if (batch.length > 0) await this.invoke(batch);
      } catch (error) {
        if (!this.running) return;
        this.options.onError?.(error);
        await new Promise((r) => setTimeout(r, 500));
      }
    }
  }

  private async invoke(batch: Message[]): Promise<void> {
    const { queueArn, region } = this.options;
    const records = batch.map((m) => toSqsRecord(m, queueArn, region));
    let failed: Set<string>;
    try {
      const response = await this.options.handler({ Records: records });
      failed = new Set((response?.batchItemFailures ?? []).map((f) => f.itemIdentifier));
      // Like Lambda: an identifier that is not in the batch fails the whole batch.
      if ([...failed].some((id) => !records.some((r) => r.messageId === id))) {
        failed = new Set(records.map((r) => r.messageId));
      }
    } catch (error) {
      this.options.onError?.(error);
      failed = new Set(records.map((r) => r.messageId));
    }
    const succeeded = records.filter((r) => !failed.has(r.messageId));
    for (let i = 0; i < succeeded.length; i += 10) {
      await this.options.client.send(
        new DeleteMessageBatchCommand({
          QueueUrl: this.options.queueUrl,
          Entries: succeeded
            .slice(i, i + 10)
            .map((r, n) => ({ Id: String(n), ReceiptHandle: r.receiptHandle })),
        }),
      );
    }
  }
}
