import type { DeliverySummary } from "./routing-decision";

/** What claiming a delivery key answers. */
export type Claim =
  /** This event holds the key: it may call the agent. */
  | { kind: "claimed" }
  /** The key was already answered for good (delivered, or refused by the agent) by `original.event_id`. */
  | { kind: "handled"; original: DeliverySummary }
  /** Another copy holds the key right now (being sent, or its outcome not yet known). */
  | { kind: "in_progress"; holder: string };

/**
 * The router's port onto exactly-once delivery: at most one event per namespaced delivery key is
 * sent to the agent within the idempotency window. The claim is one write; the event's own outcome
 * record (written by the router afterwards) is what tells later copies the key was handled, so a
 * delivered event costs two writes in all.
 */
export interface DeliveryGuard {
  /** Claims `key` for `eventId` for `holdMs` (long enough to call the agent and record the outcome). */
  claim(key: string, eventId: string, holdMs: number): Promise<Claim>;
  /** Gives a claim up after a retryable failure, so the next copy may try at once. Never throws. */
  release(key: string, eventId: string): Promise<void>;
  /**
   * The agent answered for good but the outcome record could not be written, even retrying until
   * the invocation's deadline: copies handled by this container are answered from memory.
   */
  remember(key: string, summary: DeliverySummary): void;
}
