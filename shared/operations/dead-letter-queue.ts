import {
  ChangeMessageVisibilityBatchCommand,
  ChangeMessageVisibilityCommand,
  DeleteMessageCommand,
  GetQueueAttributesCommand,
  ListMessageMoveTasksCommand,
  type Message,
  type MessageAttributeValue,
  ReceiveMessageCommand,
  SendMessageCommand,
  type SQSClient,
  StartMessageMoveTaskCommand,
} from "@aws-sdk/client-sqs";
import { parseEnvelope } from "../envelope/envelope";

/** What an operator needs to know about one dead-letter message. */
export interface DeadLetterSummary {
  message_id: string;
  /** The envelope id (the events table key), when the body is an envelope. */
  event_id?: string;
  provider?: string;
  event_type?: string;
  delivery_key?: string;
  receive_count?: number;
  /** When the message was first sent to the webhook queue (SQS keeps it across the dead-letter move). */
  sent_at?: string;
  age_seconds?: number;
  body_bytes: number;
  /** Why the body is not an envelope, when it is not. */
  problem?: string;
}

export function summariseDeadLetter(message: Message, now: Date): DeadLetterSummary {
  const body = message.Body ?? "";
  const attrs = message.MessageAttributes ?? {};
  const attr = (name: string) => attrs[name]?.StringValue;
  const parsed = parseEnvelope(body);
  const sent = Number(message.Attributes?.SentTimestamp);
  const count = Number(message.Attributes?.ApproximateReceiveCount);
  const summary: DeadLetterSummary = {
    message_id: message.MessageId ?? "",
    body_bytes: Buffer.byteLength(body),
  };
  if (parsed.ok) {
    const e = parsed.envelope;
    Object.assign(summary, {
      event_id: e.id,
      provider: e.provider,
      event_type: e.event_type,
      delivery_key: e.delivery_key,
    });
  } else {
    summary.problem = parsed.problem.split("\n")[0];
    for (const name of ["provider", "event_type", "delivery_key"] as const) {
      const value = attr(name);
      if (value) summary[name] = value;
    }
  }
  if (Number.isFinite(count) && count > 0) summary.receive_count = count;
  if (Number.isFinite(sent) && sent > 0) {
    summary.sent_at = new Date(sent).toISOString();
    summary.age_seconds = Math.max(0, Math.round((now.getTime() - sent) / 1000));
  }
  return summary;
}

export interface PeekResult {
  messages: Message[];
  /** SQS's ApproximateNumberOfMessages (visible) of the queue before peeking. */
  approximateCount?: number;
  /** Messages whose visibility could not be reset: they reappear after `holdSeconds`. */
  notRestored: number;
  holdSeconds: number;
}

const PEEK_HOLD_SECONDS = 30;

/**
 * Long polling for one second: a short-polling receive asks only some of SQS's servers and may
 * answer empty while messages remain, which would end a peek or a move early.
 */
const RECEIVE_WAIT_SECONDS = 1;

/** SQS's approximate number of visible messages in a queue. */
export async function approximateMessageCount(sqs: SQSClient, queueUrl: string): Promise<number | undefined> {
  const { Attributes } = await sqs.send(
    new GetQueueAttributesCommand({ QueueUrl: queueUrl, AttributeNames: ["ApproximateNumberOfMessages"] }),
  );
  const n = Number(Attributes?.ApproximateNumberOfMessages);
  return Number.isFinite(n) ? n : undefined;
}

/**
 * Looks at up to `max` messages without consuming them: receives them (held briefly so successive
 * receives return different messages), then makes every one visible again at once. A receive still
 * counts towards a message's ApproximateReceiveCount.
 */
export async function peekMessages(sqs: SQSClient, queueUrl: string, max: number): Promise<PeekResult> {
  const approximateCount = await approximateMessageCount(sqs, queueUrl);
  const seen = new Map<string, Message>();
  let failure: unknown;
  try {
    while (seen.size < max) {
      const { Messages = [] } = await sqs.send(
        new ReceiveMessageCommand({
          QueueUrl: queueUrl,
          MaxNumberOfMessages: Math.min(10, max - seen.size),
          VisibilityTimeout: PEEK_HOLD_SECONDS,
          WaitTimeSeconds: RECEIVE_WAIT_SECONDS,
          MessageSystemAttributeNames: ["All"],
          MessageAttributeNames: ["All"],
        }),
      );
      const fresh = Messages.filter((m) => m.MessageId && !seen.has(m.MessageId));
      if (fresh.length === 0) break;
      for (const m of fresh) seen.set(m.MessageId!, m);
    }
  } catch (error) {
    failure = error;
  }
  // Whatever happened, what was received is made visible again before returning.
  const notRestored = await makeVisible(sqs, queueUrl, [...seen.values()]);
  if (failure !== undefined) throw failure;
  return {
    messages: [...seen.values()],
    ...(approximateCount !== undefined ? { approximateCount } : {}),
    notRestored,
    holdSeconds: PEEK_HOLD_SECONDS,
  };
}

/** Sets the messages' visibility timeout to 0; returns how many could not be reset. */
async function makeVisible(sqs: SQSClient, queueUrl: string, messages: Message[]): Promise<number> {
  let failed = 0;
  for (let i = 0; i < messages.length; i += 10) {
    const batch = messages.slice(i, i + 10);
    try {
      const { Failed = [] } = await sqs.send(
        new ChangeMessageVisibilityBatchCommand({
          QueueUrl: queueUrl,
          Entries: batch.map((m, n) => ({
            Id: String(n),
            ReceiptHandle: m.ReceiptHandle!,
            VisibilityTimeout: 0,
          })),
        }),
      );
      failed += Failed.length;
    } catch {
      failed += batch.length;
    }
  }
  return failed;
}

export interface RedriveOptions {
  sqs: SQSClient;
  deadLetterQueueUrl: string;
  queueUrl: string;
  /** Messages moved per second at most (SQS's move task accepts up to 500). */
  maxPerSecond?: number;
  /** Wait for a native move task to finish (default true). */
  wait?: boolean;
  /** How often a running move task is checked. */
  pollMs?: number;
  /** Told when the endpoint has no native move task and messages are moved one by one. */
  onFallback?: (reason: string) => void;
  sleep?: (ms: number) => Promise<void>;
  now?: () => number;
}

export interface MoveFailure {
  message_id: string;
  event_id?: string;
  error: string;
}

export type RedriveResult =
  | {
      method: "move-task";
      task_handle: string;
      /** RUNNING when not waited for; else COMPLETED, CANCELLED or FAILED. */
      status: string;
      moved: number;
      to_move?: number;
      failure_reason?: string;
    }
  | {
      method: "receive-send-delete";
      moved: number;
      /** Sends that failed: those messages stay in the dead-letter queue. */
      failed: MoveFailure[];
      /** Sent but not deleted: they reappear in the dead-letter queue and would be moved again. */
      not_deleted: MoveFailure[];
    };

const defaultSleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

const UNSUPPORTED_ACTION_ERRORS = [
  "InvalidAction",
  "UnknownOperationException",
  "UnknownOperation",
  "NotImplemented",
  "NotImplementedException",
  "UnsupportedOperation",
];

/**
 * An error meaning the endpoint does not implement the action at all (an emulator), as opposed to
 * SQS refusing this particular move (a task already running, a queue that is no dead-letter queue).
 */
export function isUnsupportedActionError(error: unknown): boolean {
  if (!(error instanceof Error)) return false;
  const name = error.name;
  const code = (error as { Code?: string }).Code ?? "";
  const status = (error as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode;
  if (/already|running|in progress/i.test(error.message)) return false;
  return (
    status === 501 ||
    UNSUPPORTED_ACTION_ERRORS.some((n) => name === n || code === n || name.endsWith(`.${n}`)) ||
    /unknown (action|operation)|not (yet )?(implemented|supported)|unsupported (action|operation)/i.test(
      error.message,
    )
  );
}

async function queueArn(sqs: SQSClient, queueUrl: string): Promise<string> {
  const { Attributes } = await sqs.send(
    new GetQueueAttributesCommand({ QueueUrl: queueUrl, AttributeNames: ["QueueArn"] }),
  );
  const arn = Attributes?.QueueArn;
  if (!arn) throw new Error(`SQS returned no QueueArn for ${queueUrl}`);
  return arn;
}

/**
 * Moves every dead-letter message back to the webhook queue. SQS's own message move task where the
 * endpoint has it; otherwise receive → send (same body and attributes) → delete, deleting a message
 * only once its copy is on the webhook queue, so a failed send leaves it in the dead-letter queue.
 */
export async function redriveDeadLetters(options: RedriveOptions): Promise<RedriveResult> {
  const { sqs } = options;
  const sourceArn = await queueArn(sqs, options.deadLetterQueueUrl);
  const destinationArn = await queueArn(sqs, options.queueUrl);
  let taskHandle: string | undefined;
  try {
    const started = await sqs.send(
      new StartMessageMoveTaskCommand({
        SourceArn: sourceArn,
        DestinationArn: destinationArn,
        ...(options.maxPerSecond ? { MaxNumberOfMessagesPerSecond: options.maxPerSecond } : {}),
      }),
    );
    taskHandle = started.TaskHandle ?? "";
  } catch (error) {
    if (!isUnsupportedActionError(error)) throw error;
    options.onFallback?.(`${(error as Error).name}: ${(error as Error).message}`);
    return moveMessages(options);
  }
  return options.wait === false
    ? { method: "move-task", task_handle: taskHandle, status: "RUNNING", moved: 0 }
    : followMoveTask(options, sourceArn, taskHandle);
}

async function followMoveTask(
  options: RedriveOptions,
  sourceArn: string,
  taskHandle: string,
): Promise<RedriveResult> {
  const sleep = options.sleep ?? defaultSleep;
  for (;;) {
    const { Results = [] } = await options.sqs.send(
      new ListMessageMoveTasksCommand({ SourceArn: sourceArn, MaxResults: 10 }),
    );
    const task = Results.find((t) => t.TaskHandle === taskHandle) ?? Results[0];
    const status = task?.Status ?? "COMPLETED";
    if (status !== "RUNNING" && status !== "CANCELLING") {
      return {
        method: "move-task",
        task_handle: taskHandle,
        status,
        moved: task?.ApproximateNumberOfMessagesMoved ?? 0,
        ...(task?.ApproximateNumberOfMessagesToMove !== undefined
          ? { to_move: task.ApproximateNumberOfMessagesToMove }
          : {}),
        ...(task?.FailureReason ? { failure_reason: task.FailureReason } : {}),
      };
    }
    await sleep(options.pollMs ?? 2000);
  }
}

/** Only what SendMessage takes of a received attribute. */
function sendableAttributes(attributes: Record<string, MessageAttributeValue> | undefined) {
  if (!attributes) return undefined;
  return Object.fromEntries(
    Object.entries(attributes).map(([name, v]) => [
      name,
      {
        DataType: v.DataType ?? "String",
        ...(v.StringValue !== undefined ? { StringValue: v.StringValue } : {}),
        ...(v.BinaryValue !== undefined ? { BinaryValue: v.BinaryValue } : {}),
      },
    ]),
  );
}

const eventIdOf = (message: Message) => {
  const parsed = parseEnvelope(message.Body ?? "");
  return parsed.ok ? { event_id: parsed.envelope.id } : {};
};

/**
 * The fallback: receive → send → delete, paced to `maxPerSecond`, until the queue answers empty (or
 * with nothing but messages whose send already failed in this run).
 */
async function moveMessages(options: RedriveOptions): Promise<RedriveResult> {
  const { sqs, deadLetterQueueUrl, queueUrl, maxPerSecond } = options;
  const sleep = options.sleep ?? defaultSleep;
  const now = options.now ?? Date.now;
  const failed: MoveFailure[] = [];
  const notDeleted: MoveFailure[] = [];
  const gaveUp = new Set<string>();
  let moved = 0;
  let sends = 0;
  const started = now();
  // Long enough that a message being moved is not received again before it is deleted.
  const holdSeconds = Math.max(30, maxPerSecond ? Math.ceil(10 / maxPerSecond) + 30 : 0);
  /** Makes a message left in the dead-letter queue visible again at once (else after its hold). */
  const release = (message: Message) =>
    sqs
      .send(
        new ChangeMessageVisibilityCommand({
          QueueUrl: deadLetterQueueUrl,
          ReceiptHandle: message.ReceiptHandle,
          VisibilityTimeout: 0,
        }),
      )
      .then(
        () => undefined,
        () => undefined,
      );
  for (;;) {
    const { Messages = [] } = await sqs.send(
      new ReceiveMessageCommand({
        QueueUrl: deadLetterQueueUrl,
        MaxNumberOfMessages: 10,
        VisibilityTimeout: holdSeconds,
        WaitTimeSeconds: RECEIVE_WAIT_SECONDS,
        MessageSystemAttributeNames: ["All"],
        MessageAttributeNames: ["All"],
      }),
    );
    const batch = Messages.filter((m) => !gaveUp.has(m.MessageId ?? ""));
    for (const message of Messages) if (gaveUp.has(message.MessageId ?? "")) await release(message);
    if (batch.length === 0) break;
    for (const message of batch) {
      if (maxPerSecond) {
        const due = started + (sends * 1000) / maxPerSecond;
        const wait = due - now();
        if (wait > 0) await sleep(wait);
      }
      sends += 1;
      const id = message.MessageId ?? "";
      const attributes = sendableAttributes(message.MessageAttributes);
      try {
        await sqs.send(
          new SendMessageCommand({
            QueueUrl: queueUrl,
            MessageBody: message.Body ?? "",
            ...(attributes && Object.keys(attributes).length > 0 ? { MessageAttributes: attributes } : {}),
          }),
        );
      } catch (error) {
        // Not deleted: the message stays in the dead-letter queue, visible again for the next
        // redrive; this one does not try it again.
        gaveUp.add(id);
        failed.push({ message_id: id, ...eventIdOf(message), error: (error as Error).message });
        await release(message);
        continue;
      }
      try {
        await sqs.send(
          new DeleteMessageCommand({ QueueUrl: deadLetterQueueUrl, ReceiptHandle: message.ReceiptHandle }),
        );
        moved += 1;
      } catch (error) {
        gaveUp.add(id);
        notDeleted.push({ message_id: id, ...eventIdOf(message), error: (error as Error).message });
      }
    }
  }
  return { method: "receive-send-delete", moved, failed, not_deleted: notDeleted };
}
