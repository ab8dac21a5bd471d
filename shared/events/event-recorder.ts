import type { EventOutcome } from "./event-outcome";

/** The router's port onto the events table. */
export interface EventRecorder {
  /** Writes the outcome; throws when the table cannot be written (the record is then retried). */
  record(outcome: EventOutcome): Promise<void>;
}
