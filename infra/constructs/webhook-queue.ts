import { Duration, Stack } from "aws-cdk-lib";
import { Queue, QueueEncryption, RedrivePermission } from "aws-cdk-lib/aws-sqs";
import { Construct } from "constructs";
import { SQS_MAX_MESSAGE_BYTES } from "../../shared/config/ingest-config";
import { visibilityTimeoutSeconds, WEBHOOK_QUEUE } from "../../shared/config/resources";

export interface WebhookQueueProps {
  /** Deliveries before a message moves to the dead-letter queue. */
  maxReceiveCount: number;
  /** The router's timeout: the queue's visibility timeout is six times it. */
  routerTimeoutSeconds: number;
}

/**
 * The webhook queue and its dead-letter queue: SSE (SQS managed keys), TLS-only access, the
 * 1 MiB message size ingest checks envelopes against, and a redrive allow policy that lets only
 * this queue use the dead-letter queue (so dead letters can be moved back to it with
 * `start-message-move-task` and nothing else can fill it).
 */
export class WebhookQueue extends Construct {
  readonly queue: Queue;
  readonly deadLetterQueue: Queue;

  constructor(scope: Construct, id: string, props: WebhookQueueProps) {
    super(scope, id);
    const stack = Stack.of(this);
    // A fixed name makes the source queue's ARN known before it exists: the dead-letter queue's
    // redrive allow policy names it without a circular reference between the two queues.
    const queueName = `${stack.stackName}-webhooks`;
    const queueArn = stack.formatArn({ service: "sqs", resource: queueName });

    this.deadLetterQueue = new Queue(this, "DeadLetterQueue", {
      encryption: QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      retentionPeriod: Duration.days(WEBHOOK_QUEUE.deadLetterRetentionDays),
      maxMessageSizeBytes: SQS_MAX_MESSAGE_BYTES,
      redriveAllowPolicy: {
        redrivePermission: RedrivePermission.BY_QUEUE,
        sourceQueues: [Queue.fromQueueAttributes(this, "SourceQueueRef", { queueArn, queueName })],
      },
    });

    this.queue = new Queue(this, "Queue", {
      queueName,
      encryption: QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      visibilityTimeout: Duration.seconds(visibilityTimeoutSeconds(props.routerTimeoutSeconds)),
      retentionPeriod: Duration.days(WEBHOOK_QUEUE.retentionDays),
      maxMessageSizeBytes: SQS_MAX_MESSAGE_BYTES,
      deadLetterQueue: { queue: this.deadLetterQueue, maxReceiveCount: props.maxReceiveCount },
    });
  }
}
