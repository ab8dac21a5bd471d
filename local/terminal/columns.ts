import type { Paint, Style } from "./colour";
import type { EventNames } from "./event-names";
import { printableField } from "./printable-text";

/** A parsed JSON log line. */
export type Fields = Record<string, unknown>;

export interface LineFormat {
  paint: Paint;
  /** The time of a line that does not carry its own (ingest's record line, without metrics). */
  now: () => Date;
  /** What ingest's lines said of each event, for the router's lines that name events by id only. */
  events?: EventNames;
}

/** Longest event type, reason or problem shown: enough to read, never a screenful. */
export const FIELD_MAX = 200;

/** A field as printable text ("" when absent, an object or an array). */
export function text(value: unknown, max = FIELD_MAX): string {
  if (typeof value === "number" || typeof value === "boolean") return String(value);
  return typeof value === "string" ? printableField(value, max) : "";
}

const two = (n: number) => String(n).padStart(2, "0");

/** When the line was written, on the local clock: its `timestamp`, its EMF timestamp, or now. */
export function timeOf(fields: Fields, now: () => Date): string {
  const aws = fields._aws as { Timestamp?: unknown } | undefined;
  const stamp =
    typeof fields.timestamp === "string"
      ? Date.parse(fields.timestamp)
      : typeof aws?.Timestamp === "number"
        ? aws.Timestamp
        : Number.NaN;
  const at = Number.isFinite(stamp) ? new Date(stamp) : now();
  const ms = String(at.getMilliseconds()).padStart(3, "0");
  return `${two(at.getHours())}:${two(at.getMinutes())}:${two(at.getSeconds())}.${ms}`;
}

export interface Row {
  kind: "request" | "outcome";
  provider: string;
  eventType: string;
  status: string;
  statusStyle: Style;
  /** What the status means here: reason, team, agent answer, timings. */
  details: string[];
  /** The event id (or, for a request that queued nothing, its correlation id) last: long, for copying. */
  id: string;
}

/**
 * One event's line, in columns so that a run of them reads down: time, request or outcome,
 * provider, event type, status, details, id.
 */
export function row(fields: Fields, r: Row, format: LineFormat): string {
  const { paint } = format;
  const cells = [
    paint("dim", timeOf(fields, format.now)),
    paint(r.kind === "request" ? "cyan" : "magenta", r.kind),
    paint("bold", (r.provider || "-").padEnd(10)),
    (r.eventType || "-").padEnd(22),
    paint(r.statusStyle, r.status.padEnd(11)),
  ];
  const details = r.details.filter((d) => d !== "");
  if (details.length > 0) cells.push(details.join("  "));
  const line = cells.join(" ");
  return r.id ? `${line}  ${paint("dim", r.id)}` : line;
}
