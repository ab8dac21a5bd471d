/** One message bound for the webhook queue. */
export interface QueueMessage {
  body: string;
  attributes: Readonly<Record<string, string>>;
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
