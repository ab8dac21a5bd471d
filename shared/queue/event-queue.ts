/** One message bound for the webhook queue. */
export interface QueueMessage {
  body: string;
  attributes: Readonly<Record<string, string>>;
}

/**
 * The size a queue counts against its message limit. SQS counts the body and, for each message
 * attribute, its name, data type (`String`) and value: a body just under the limit plus the
 * attributes is still refused.
 */
export function queueMessageBytes(message: QueueMessage): number {
  let size = Buffer.byteLength(message.body, "utf8");
  for (const [name, value] of Object.entries(message.attributes)) {
    size += Buffer.byteLength(name, "utf8") + "String".length + Buffer.byteLength(value, "utf8");
  }
  return size;
}

/** The port ingest depends on: it acknowledges a webhook only once `send` has resolved. */
export interface EventQueue {
  send(messages: readonly QueueMessage[]): Promise<void>;
}

/** The queue did not take a message: the caller answers 503 so the provider retries. */
export class QueueUnavailableError extends Error {
  constructor(cause: unknown) {
    super(`the webhook queue did not accept the message: ${(cause as Error)?.message ?? String(cause)}`, {
      cause,
    });
    this.name = "QueueUnavailableError";
  }
}
