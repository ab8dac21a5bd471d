import { CreateQueueCommand, GetQueueAttributesCommand, type SQSClient } from "@aws-sdk/client-sqs";
import { visibilityTimeoutSeconds, WEBHOOK_QUEUE } from "../../shared/config/resources";

export interface LocalQueues {
  queueUrl: string;
  queueArn: string;
  deadLetterQueueUrl: string;
  deadLetterQueueArn: string;
}

const DAY = 24 * 60 * 60;

async function queueArn(client: SQSClient, queueUrl: string): Promise<string> {
  const { Attributes } = await client.send(
    new GetQueueAttributesCommand({ QueueUrl: queueUrl, AttributeNames: ["QueueArn"] }),
  );
  return Attributes!.QueueArn!;
}

/** The webhook queue and its dead-letter queue, with the stack's settings (shared/config/resources.ts). */
export async function createWebhookQueues(
  client: SQSClient,
  options: { prefix: string; maxReceiveCount?: number; routerTimeoutSeconds?: number },
): Promise<LocalQueues> {
  const dlq = await client.send(
    new CreateQueueCommand({
      QueueName: `${options.prefix}-webhooks-dlq`,
      Attributes: { MessageRetentionPeriod: String(WEBHOOK_QUEUE.deadLetterRetentionDays * DAY) },
    }),
  );
  const deadLetterQueueArn = await queueArn(client, dlq.QueueUrl!);
  const main = await client.send(
    new CreateQueueCommand({
      QueueName: `${options.prefix}-webhooks`,
      Attributes: {
        VisibilityTimeout: String(visibilityTimeoutSeconds(options.routerTimeoutSeconds)),
        MessageRetentionPeriod: String(WEBHOOK_QUEUE.retentionDays * DAY),
        RedrivePolicy: JSON.stringify({
          deadLetterTargetArn: deadLetterQueueArn,
          maxReceiveCount: String(options.maxReceiveCount ?? WEBHOOK_QUEUE.maxReceiveCount),
        }),
      },
    }),
  );
  return {
    queueUrl: main.QueueUrl!,
    queueArn: await queueArn(client, main.QueueUrl!),
    deadLetterQueueUrl: dlq.QueueUrl!,
    deadLetterQueueArn,
  };
}
