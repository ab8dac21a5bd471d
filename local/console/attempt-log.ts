import { DELIVERED_MESSAGE, deliveredEvents } from "../../functions/router/delivered-line";
import { EVENT_STATUSES, type EventStatus } from "../../shared/events/event-outcome";
import { lineSplitter } from "../terminal/line-splitter";

/**
 * One time the router handled an event, as its line says: a record's own line, or its entry in an
 * invocation's line of delivered events (functions/router/record-result.ts).
 */
export interface RouterAttempt {
  at: string;
  /** SQS's receive count: 1 on the first delivery. */
  attempt?: number;
  status: EventStatus;
  agent_status?: number;
  /** How long the agent took to answer. */
  agent_ms?: number;
  /** From receipt at ingest to delivery. */
  latency_ms?: number;
  reason?: string;
  retry_in_seconds?: number;
}

/** Events whose attempts are remembered; the oldest is forgotten first. */
const CAPACITY = 2_000;
/** A line this long is no record line of the router's. */
const LINE_MAX = 64 * 1024;

const isStatus = (value: unknown): value is EventStatus =>
  typeof value === "string" && (EVENT_STATUSES as readonly string[]).includes(value);

const num = (value: unknown) => (typeof value === "number" && Number.isFinite(value) ? value : undefined);

type Fields = Record<string, unknown>;

/** When the line was written: its own timestamp, its EMF timestamp, or now. */
function writtenAt(fields: Fields): string {
  if (typeof fields.timestamp === "string") return fields.timestamp;
  const stamp = num((fields._aws as { Timestamp?: unknown } | undefined)?.Timestamp);
  return new Date(stamp ?? Date.now()).toISOString();
}

/**
 * Every attempt at every event, from the router's own record lines as this process printed them:
 * the events table keeps only the last answer (a delivered event's record must stay small and cost
 * one write), the log keeps each one, as CloudWatch would. Held in memory only.
 */
export class AttemptLog {
  private readonly byEvent = new Map<string, RouterAttempt[]>();

  constructor(private readonly capacity = CAPACITY) {}

  /** Takes any line the process wrote; keeps each event the router's line tells of. */
  observeLine(line: string): void {
    if (line.length > LINE_MAX || !line.startsWith("{")) return;
    if (!line.includes('"event_id"') && !line.includes(`"${DELIVERED_MESSAGE}"`)) return;
    let fields: Fields;
    try {
      fields = JSON.parse(line) as Fields;
    } catch {
      return;
    }
    if (typeof fields !== "object" || fields === null) return;
    const at = writtenAt(fields);
    const delivered = deliveredEvents(fields);
    for (const record of delivered.length > 0 ? delivered : [fields]) this.observe(record, at);
  }

  private observe(fields: Fields, at: string): void {
    const { event_id: eventId, status } = fields;
    if (typeof eventId !== "string" || !isStatus(status)) return;
    const attempt: RouterAttempt = { at, status };
    const numbers = {
      attempt: num(fields.attempts),
      agent_status: num(fields.agent_status),
      agent_ms: num(fields.agent_ms),
      latency_ms: num(fields.latency_ms),
      retry_in_seconds: num(fields.retry_in_seconds),
    };
    for (const [key, value] of Object.entries(numbers)) {
      if (value !== undefined) (attempt as unknown as Record<string, number>)[key] = value;
    }
    if (typeof fields.reason === "string") attempt.reason = fields.reason;
    const list = this.byEvent.get(eventId) ?? [];
    this.byEvent.delete(eventId);
    this.byEvent.set(eventId, [...list, attempt]);
    if (this.byEvent.size > this.capacity) this.byEvent.delete(this.byEvent.keys().next().value as string);
  }

  /** Oldest first. */
  of(eventId: string): RouterAttempt[] {
    return this.byEvent.get(eventId) ?? [];
  }
}

type Write = NodeJS.WriteStream["write"];

/**
 * Hands each whole line written to `stream` to `onLine`, and writes everything through unchanged
 * (whatever else wraps the stream, a terminal formatter say, still gets the same text). Returns the
 * function that takes the tap off.
 */
export function tapLines(stream: { write: Write }, onLine: (line: string) => void): () => void {
  const own = stream.write;
  const splitter = lineSplitter();
  stream.write = function (this: unknown, chunk: string | Uint8Array, ...rest: unknown[]) {
    // A tail cut off at the splitter's limit is handed over too: longer than LINE_MAX, it is ignored.
    for (const line of splitter.lines(chunk)) onLine(line);
    return (own as (...args: unknown[]) => boolean).call(stream, chunk, ...rest);
  } as Write;
  return () => {
    stream.write = own;
  };
}
