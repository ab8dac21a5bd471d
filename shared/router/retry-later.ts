import type { AgentErrorClass } from "../agent/agent-result";

/**
 * A record that cannot be finished now but may succeed on a later delivery: it is reported in
 * batchItemFailures with a backed-off visibility timeout, and recorded as `retrying` (or `dead`).
 */
export class RetryLaterError extends Error {
  constructor(
    message: string,
    readonly details: { errorClass?: AgentErrorClass; agentStatus?: number; retryAfterSeconds?: number } = {},
  ) {
    super(message);
    this.name = "RetryLaterError";
  }
}

/** The agent is failing: the circuit breaker holds the rest of the batch back without calling it. */
export class CircuitOpenError extends RetryLaterError {
  constructor(failures: number) {
    super(
      `circuit open after ${failures} consecutive agent failures in this invocation; not calling the agent`,
    );
    this.name = "CircuitOpenError";
  }
}

/** Another copy of this delivery (same provider delivery key) is being sent right now. */
export class DeliveryInProgressError extends RetryLaterError {
  constructor(key: string) {
    super(`another copy of delivery ${key} is being sent right now; checking again later`);
    this.name = "DeliveryInProgressError";
  }
}
