import { deliveredEvents } from "../../functions/router/delivered-line";
import type { Style } from "./colour";
import { type Fields, type LineFormat, row, text } from "./columns";

/** The router's statuses (shared/events/event-outcome.ts) and how they stand out. */
const STATUS_STYLE: Record<string, Style> = {
  delivered: "green",
  duplicate: "blue",
  unrouted: "yellow",
  retrying: "yellow",
  rejected: "red",
  failed: "red",
  dead: ["red", "bold"],
};

/** The router's line about a record (functions/router/record-result.ts): an `event_id` and a `status`. */
export const isOutcomeRecord = (fields: Fields) =>
  typeof fields.event_id === "string" && typeof fields.status === "string";

const list = (value: unknown) => (Array.isArray(value) ? value : []);

/** The agent's answer: its status, and how long it took when known. */
function agentAnswer(fields: Fields): string {
  if (typeof fields.agent_status !== "number") return "";
  return typeof fields.agent_ms === "number"
    ? `agent ${fields.agent_status} in ${fields.agent_ms} ms`
    : `agent ${fields.agent_status}`;
}

/** Where a deferred record goes: back to the queue for a while, or to the dead-letter queue. */
function nextStep(status: string, fields: Fields): string {
  if (fields.defer_class === undefined) return "";
  const why = text(fields.defer_class, 40);
  if (status === "dead") return `to the dead-letter queue (${why})`;
  return typeof fields.retry_in_seconds === "number" ? `retry in ${fields.retry_in_seconds} s (${why})` : why;
}

/**
 * What became of an event: the team and how it matched, the agent's answer, the router's reason and
 * what it does next when it did not deliver, the time from receipt, and the attempt.
 */
export function outcomeLine(fields: Fields, format: LineFormat): string {
  const status = text(fields.status, 20);
  const details = [
    fields.team ? `→ ${text(fields.team, 120)} by ${text(fields.matched_by, 40)}` : "",
    agentAnswer(fields),
    text(fields.reason),
    fields.duplicate_of
      ? `first handled as ${text(fields.duplicate_of, 80)} (${text(fields.original_outcome, 20)})`
      : "",
    nextStep(status, fields),
    typeof fields.latency_ms === "number" ? `${fields.latency_ms} ms end to end` : "",
    typeof fields.attempts === "number" ? `attempt ${fields.attempts}` : "",
    ...list(fields.skipped_identifiers).map(
      (s: { kind?: unknown; reason?: unknown }) => `skipped ${text(s?.kind, 40)}: ${text(s?.reason)}`,
    ),
    list(fields.notified).length > 0
      ? `notified ${list(fields.notified)
          .map((c) => text(c, 80))
          .join(", ")}`
      : "",
    fields.recorded === false ? format.paint("red", "outcome not recorded") : "",
    ...list(fields.problems).map((p) => format.paint("red", `problem: ${text(p)}`)),
  ];
  return row(
    fields,
    {
      kind: "outcome",
      provider: text(fields.provider, 20),
      eventType: text(fields.event_type, 60),
      status,
      statusStyle: STATUS_STYLE[status] ?? "yellow",
      details,
      id: text(fields.event_id, 80),
    },
    format,
  );
}

/**
 * The router's line of an invocation's delivered events (functions/router/delivered-line.ts) as one
 * outcome line per event, with the provider and event type ingest's line gave it (`-` when this
 * process did not see it). Undefined for any other line.
 */
export function deliveredLines(fields: Fields, format: LineFormat): string | undefined {
  const events = deliveredEvents(fields);
  if (events.length === 0) return undefined;
  return events
    .map((event) => {
      const name = format.events?.of(event.event_id as string);
      const known = name ? { provider: name.provider, event_type: name.eventType } : {};
      return outcomeLine({ ...event, ...known, _aws: fields._aws }, format);
    })
    .join("\n");
}
