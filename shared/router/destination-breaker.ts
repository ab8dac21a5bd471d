/** Seed 001's circuit breaker: open after this many consecutive failures, probe again after the recovery time. */
export interface BreakerPolicy {
  failureThreshold: number;
  recoveryMs: number;
  /** Calls in flight to one destination at once, across the invocations of this container. */
  maxInFlight: number;
}

export type CallOutcome = "succeeded" | "failed" | "unused";

/** Whether a call to a destination may go ahead now, and when to come back if not. */
export type Admission =
  /** `unused`: no call was made after all (the event turned out to be a copy): nothing is learnt. */
  { admitted: true; release: (outcome: CallOutcome) => void } | Refusal;

/** The destination's breaker is open (or half-open with its one probe under way). */
export type Refusal = { admitted: false; reason: string; retryInMs: number };

interface DestinationState {
  consecutiveFailures: number;
  /** Set while open: calls are refused until then, after which one probe is let through. */
  openUntil?: number;
  probing: boolean;
  inFlight: number;
  waiting: Array<() => void>;
}

/**
 * One breaker and one in-flight limit per destination (agent URL), kept for the life of the
 * container so that a dead agent found by one invocation is not called again by the next. A
 * failing or slow destination only ever holds back its own events: a call to an open destination
 * is refused at once (the caller defers the event without waiting), and a call to a busy one waits
 * for that destination's own slots only.
 */
export class DestinationBreakers {
  private readonly states = new Map<string, DestinationState>();

  constructor(
    private readonly policy: BreakerPolicy,
    private readonly now: () => number = Date.now,
  ) {}

  /**
   * The refusal `admit` would answer now, without taking or waiting for a slot: lets a caller skip
   * work that only a call needs (claiming its key) while the destination is open.
   */
  refusalOf(destination: string): Refusal | undefined {
    return this.refusal(destination, this.state(destination));
  }

  /** Waits for one of the destination's slots unless its breaker is open. */
  async admit(destination: string): Promise<Admission> {
    const state = this.state(destination);
    const refused = this.refusal(destination, state);
    if (refused) return refused;
    if (state.inFlight >= this.policy.maxInFlight) {
      await new Promise<void>((resolve) => state.waiting.push(resolve));
      // The breaker may have opened while this call waited for a slot.
      const late = this.refusal(destination, state);
      if (late) {
        this.releaseSlot(state);
        return late;
      }
    } else {
      state.inFlight += 1;
    }
    const probe = state.openUntil !== undefined;
    if (probe) state.probing = true;
    let released = false;
    return {
      admitted: true,
      release: (outcome) => {
        if (released) return;
        released = true;
        if (probe) state.probing = false;
        this.settle(state, outcome);
        this.releaseSlot(state);
      },
    };
  }

  /** A refusal when the destination is open (or half-open with its one probe under way). */
  private refusal(destination: string, state: DestinationState): Refusal | undefined {
    if (state.openUntil === undefined) return undefined;
    const waitMs = state.openUntil - this.now();
    if (waitMs <= 0 && !state.probing) return undefined; // half-open: this call is the probe
    return {
      admitted: false,
      reason: `agent circuit open for ${destination} after ${state.consecutiveFailures} consecutive failures; not calling it until it recovers`,
      retryInMs: Math.max(waitMs, 0),
    };
  }

  private settle(state: DestinationState, outcome: CallOutcome): void {
    if (outcome === "unused") return;
    if (outcome === "succeeded") {
      state.consecutiveFailures = 0;
      delete state.openUntil;
      return;
    }
    state.consecutiveFailures += 1;
    if (state.consecutiveFailures >= this.policy.failureThreshold) {
      state.openUntil = this.now() + this.policy.recoveryMs;
    }
  }

  private releaseSlot(state: DestinationState): void {
    const next = state.waiting.shift();
    if (next) next();
    else state.inFlight -= 1;
  }

  private state(destination: string): DestinationState {
    let state = this.states.get(destination);
    if (!state) {
      state = { consecutiveFailures: 0, probing: false, inFlight: 0, waiting: [] };
      this.states.set(destination, state);
    }
    return state;
  }
}
