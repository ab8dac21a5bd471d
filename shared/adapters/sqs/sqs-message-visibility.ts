import { ChangeMessageVisibilityCommand, type SQSClient } from "@aws-sdk/client-sqs";
import { createSqsClient } from "../../queue/sqs-event-queue";
import type { MessageVisibility } from "../../router/message-visibility";

/** ChangeMessageVisibility on the webhook queue (the receipt handle Lambda's event source mapping got). */
export class SqsMessageVisibility implements MessageVisibility {
  constructor(
    private readonly queueUrl: string,
    private readonly client: SQSClient = createSqsClient(),
  ) {}

  async delay(receiptHandle: string, seconds: number): Promise<void> {
    await this.client.send(
      new ChangeMessageVisibilityCommand({
        QueueUrl: this.queueUrl,
        ReceiptHandle: receiptHandle,
        VisibilityTimeout: Math.round(seconds),
      }),
    );
  }
}
