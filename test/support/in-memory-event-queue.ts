import type { IngestConfig } from "../../shared/config/ingest-config";
import { SQS_MAX_MESSAGE_BYTES } from "../../shared/config/ingest-config";
import type { IngestDeps } from "../../shared/ingest/ingest-webhook";
import { type EventQueue, type QueueMessage, QueueUnavailableError } from "../../shared/queue/event-queue";
import { SecretReader } from "../../shared/secrets/secret-reader";
import { testSecretEnv } from "./signed-requests";

/**
 * A test double of the EventQueue port (not of SQS): keeps what it was given. Set `failure` to make
 * `send` reject the way the SQS adapter does when the queue is unavailable.
 */
export class InMemoryEventQueue implements EventQueue {
  readonly messages: QueueMessage[] = [];
  failure: Error | undefined;

  async send(messages: readonly QueueMessage[]): Promise<void> {
    if (this.failure) throw this.failure;
    this.messages.push(...messages);
  }

  failWith(error: Error = new QueueUnavailableError(new Error("queue is gone"))): this {
    this.failure = error;
    return this;
  }
}

export interface TestIngestDeps extends IngestDeps {
  queue: InMemoryEventQueue;
}

/** Ingest dependencies for unit tests: an in-memory queue, every test secret, default limits. */
export function testIngestDeps(
  overrides: {
    config?: Partial<IngestConfig>;
    env?: Record<string, string | undefined>;
    queue?: InMemoryEventQueue;
    now?: () => Date;
  } = {},
): TestIngestDeps {
  return {
    config: {
      maxBodyBytes: SQS_MAX_MESSAGE_BYTES,
      maxMessageBytes: SQS_MAX_MESSAGE_BYTES,
      ...overrides.config,
    },
    queue: overrides.queue ?? new InMemoryEventQueue(),
    secrets: new SecretReader(testSecretEnv(overrides.env)),
    ...(overrides.now ? { now: overrides.now } : {}),
  };
}
