import type { AgentResult } from "../agent/agent-result";

/** The agent answered with a retryable failure: carried out of the guard so the guard forgets the key. */
export class AgentRetryableError extends Error {
  constructor(readonly result: Extract<AgentResult, { outcome: "retryable" }>) {
    super(result.error);
    this.name = "AgentRetryableError";
  }
}

/** Another copy of this delivery (same namespaced delivery key) is being sent right now. */
export class DeliveryInProgressError extends Error {
  constructor(key: string) {
    super(`another copy of delivery ${key} is being sent right now; checking again later`);
    this.name = "DeliveryInProgressError";
  }
}
