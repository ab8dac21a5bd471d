import type { Style } from "./colour";
import { type Fields, type LineFormat, row, text } from "./columns";

/** The ingest outcomes (functions/ingest/record-result.ts) and how they stand out. */
const OUTCOME_STYLE: Record<string, Style> = {
  accepted: "green",
  ignored: "blue",
  handshake: "blue",
  rejected: "red",
  unavailable: ["red", "bold"],
};

interface QueuedEvent {
  id?: unknown;
  eventType?: unknown;
  payloadStored?: unknown;
}

/** Ingest's record line: `outcome` and `provider` say it is one. */
export const isRequestRecord = (fields: Fields) =>
  typeof fields.outcome === "string" && typeof fields.provider === "string";

/**
 * A request as ingest recorded it: the first event queued (type and id, the others counted), or
 * why nothing was queued (the HTTP status, reason and problem, and the correlation id the sender
 * was answered with).
 */
export function requestLine(fields: Fields, format: LineFormat): string {
  const outcome = text(fields.outcome, 20);
  const events = (Array.isArray(fields.events) ? fields.events : []) as QueuedEvent[];
  const first = events[0];
  const details: string[] = [];
  if (typeof fields.status === "number") details.push(`HTTP ${fields.status}`);
  const reason = text(fields.reason);
  const problem = text(fields.problem);
  details.push(reason && problem ? `${reason}: ${problem}` : reason || problem);
  if (events.length > 1) details.push(`+${events.length - 1} more events`);
  if (events.some((e) => e.payloadStored === true)) details.push("payload in S3");
  if (typeof fields.filtered === "number") details.push(`${fields.filtered} filtered out`);
  return row(
    fields,
    {
      kind: "request",
      provider: text(fields.provider, 20),
      eventType: text(first?.eventType, 60),
      status: outcome,
      statusStyle: OUTCOME_STYLE[outcome] ?? "yellow",
      details,
      id: first ? text(first.id, 80) : `correlation ${text(fields.correlation_id, 80)}`,
    },
    format,
  );
}
