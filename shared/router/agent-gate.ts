import { CircuitOpenError } from "./retry-later";

/**
 * Per invocation: at most `concurrency` agent calls at once, and a simple circuit breaker: after
 * `threshold` consecutive retryable agent failures, every call still waiting for a slot fails with
 * CircuitOpenError instead of reaching the agent. A delivered (or permanently refused) call resets
 * the count: the agent is answering.
 */
export class AgentGate {
  private active = 0;
  private readonly waiting: Array<() => void> = [];
  private consecutiveFailures = 0;

  constructor(
    private readonly concurrency: number,
    private readonly threshold: number,
  ) {}

  get isOpen(): boolean {
    return this.consecutiveFailures >= this.threshold;
  }

  succeeded(): void {
    this.consecutiveFailures = 0;
  }

  failed(): void {
    this.consecutiveFailures += 1;
  }

  async run<T>(call: () => Promise<T>): Promise<T> {
    await this.acquire();
    try {
      if (this.isOpen) throw new CircuitOpenError(this.consecutiveFailures);
      return await call();
    } finally {
      this.release();
    }
  }

  private acquire(): Promise<void> {
    if (this.active < this.concurrency) {
      this.active += 1;
      return Promise.resolve();
    }
    return new Promise((resolve) => this.waiting.push(resolve));
  }

  private release(): void {
    const next = this.waiting.shift();
    if (next) next();
    else this.active -= 1;
  }
}
