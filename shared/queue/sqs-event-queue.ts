import {
  GetQueueAttributesCommand,
  type MessageAttributeValue,
  SendMessageCommand,
  SQSClient,
} from "@aws-sdk/client-sqs";
import type { QueueProbe } from "../health/health-check";
import { type EventQueue, type QueueMessage, QueueUnavailableError } from "./event-queue";

/**
 * An SQS client that honours `AWS_ENDPOINT_URL_SQS`/`AWS_ENDPOINT_URL` for every call: by default the
 * SDK sends to the host in the queue URL, which for the local emulator may not resolve.
 */
export function createSqsClient(): SQSClient {
  return new SQSClient({
    useQueueUrlAsEndpoint: false,
    maxAttempts: Number(process.env.SQS_MAX_ATTEMPTS ?? 3),
  });
}

/**
 * The EventQueue adapter for SQS: one SendMessage per event, with filterable message attributes.
 * Also the health check's probe of the queue.
 */
export class SqsEventQueue implements EventQueue, QueueProbe {
  constructor(
    private readonly queueUrl: string,
    private readonly client: SQSClient = createSqsClient(),
  ) {}

  async send(messages: readonly QueueMessage[]): Promise<void> {
    try {
      // Most requests hold one event: its send awaited alone, not through Promise.all.
      if (messages.length === 1) await this.sendOne(messages[0]!);
      else await Promise.all(messages.map((message) => this.sendOne(message)));
    } catch (error) {
      throw new QueueUnavailableError(error);
    }
  }

  private sendOne(message: QueueMessage) {
    const attributes: Record<string, MessageAttributeValue> = {};
    for (const name in message.attributes) {
      attributes[name] = { DataType: "String", StringValue: message.attributes[name] };
    }
    return this.client.send(
      new SendMessageCommand({
        QueueUrl: this.queueUrl,
        MessageBody: message.body,
        MessageAttributes: attributes,
      }),
    );
  }

  /** One GetQueueAttributes call: the cheapest request that proves the queue exists and answers us. */
  async probe(): Promise<void> {
    await this.client.send(
      new GetQueueAttributesCommand({ QueueUrl: this.queueUrl, AttributeNames: ["QueueArn"] }),
    );
  }
}
