import type { CountedMetrics, MetricValues } from "../../shared/observability/record-line";
import { EMF_MAX_VALUES } from "../../shared/observability/record-line";
import type { AppliedRecord } from "../../shared/router/apply-decision";
import type { Decision } from "../../shared/router/routing-decision";

/** The message of the line that lists an invocation's delivered events. */
export const DELIVERED_MESSAGE = "events delivered";

/** The dimension every router metric is published under (the agent error alarm names it). */
export const BY_SERVICE = ["service"] as const;
export const SERVICE = process.env.POWERTOOLS_SERVICE_NAME ?? "webhook-pipeline";

export const END_TO_END_LATENCY = { name: "EndToEndLatency", unit: "Milliseconds" } as const;
const DELIVERED_METRICS: readonly CountedMetrics[] = [
  { dimensions: BY_SERVICE, metrics: ["EventsDelivered", END_TO_END_LATENCY] },
];
/** For a line none of whose events has a time of receipt (EMF refuses a metric without values). */
const DELIVERED_METRICS_WITHOUT_LATENCY: readonly CountedMetrics[] = [
  { dimensions: BY_SERVICE, metrics: ["EventsDelivered"] },
];

/**
 * A line stays under this many bytes of entries, well below the 256 KB of a CloudWatch Logs event
 * (which a larger line would be cut at, its EMF lost), and below the 64 KB the local terminal and
 * console read as one line. At most EMF_MAX_VALUES events a line, one latency sample each.
 */
export const ENTRY_BYTES_PER_LINE = 32 * 1024;

/**
 * One delivered event in the invocation's line. Compact because it is paid for on every webhook:
 * the event id finds it (ingest's line lists each id with its correlation id, provider and event
 * type, the events table holds the rest), the agent's status and time and the end-to-end latency
 * say how it went, and `attempts` appears only for a redelivery. The keys are those of a record's
 * own line, so one Logs Insights query reads both.
 */
export interface DeliveredEntry {
  id: string;
  agent_status: number;
  agent_ms: number;
  latency_ms?: number;
  attempts?: number;
}

/** The events of a line delivered to one team, matched the same way: the team is written once. */
export interface DeliveredGroup {
  team: string;
  matched_by: string;
  events: DeliveredEntry[];
}

/** A record the agent accepted. */
export type DeliveredRecord = AppliedRecord & {
  routed: AppliedRecord["routed"] & { decision: Extract<Decision, { kind: "delivered" }> };
};

export const isDelivered = (applied: AppliedRecord): applied is DeliveredRecord =>
  applied.routed.decision.kind === "delivered";

/** Milliseconds from receipt at ingest to `now`, when the record says when it was received. */
export function latencyMs(applied: AppliedRecord, now: Date): number | undefined {
  const latency = Math.max(0, now.getTime() - Date.parse(applied.routed.outcome.received_at ?? ""));
  return Number.isFinite(latency) ? latency : undefined;
}

/** The destination of a delivered record, as its line names it. */
export function teamOf(applied: AppliedRecord): { team: string; matched_by: string } | undefined {
  const destination = applied.routed.destination;
  if (!destination) return undefined;
  const { org_id, team_node_id, matched_by } = destination.team;
  return { team: `${org_id}/${team_node_id}`, matched_by };
}

function entryOf(applied: DeliveredRecord, now: Date): DeliveredEntry {
  const { decision, outcome } = applied.routed;
  const latency = latencyMs(applied, now);
  return {
    id: outcome.event_id,
    agent_status: decision.agentStatus,
    agent_ms: decision.durationMs,
    ...(latency !== undefined ? { latency_ms: latency } : {}),
    ...(outcome.attempts > 1 ? { attempts: outcome.attempts } : {}),
  };
}

export interface DeliveredLine {
  fields: Record<string, unknown>;
  counted: readonly CountedMetrics[];
  values: MetricValues;
}

function lineOf(records: { applied: AppliedRecord; entry: DeliveredEntry }[]): DeliveredLine {
  const groups = new Map<string, DeliveredGroup>();
  for (const { applied, entry } of records) {
    const destination = teamOf(applied) ?? { team: "", matched_by: "" };
    const key = `${destination.team}\n${destination.matched_by}`;
    const group = groups.get(key) ?? { ...destination, events: [] };
    group.events.push(entry);
    groups.set(key, group);
  }
  const latencies = records.flatMap(({ entry }) =>
    entry.latency_ms === undefined ? [] : [entry.latency_ms],
  );
  return {
    fields: { level: "INFO", message: DELIVERED_MESSAGE, service: SERVICE, delivered: [...groups.values()] },
    counted: latencies.length > 0 ? DELIVERED_METRICS : DELIVERED_METRICS_WITHOUT_LATENCY,
    values: {
      EventsDelivered: records.length,
      ...(latencies.length > 0 ? { EndToEndLatency: latencies } : {}),
    },
  };
}

/**
 * The lines that list `delivered` (records delivered, recorded, with nothing else to say), each a
 * valid EMF document counting its own events: as few as EMF_MAX_VALUES events and
 * ENTRY_BYTES_PER_LINE allow, in the order given. None when there is nothing to list.
 */
export function deliveredLines(delivered: readonly DeliveredRecord[], now: Date): DeliveredLine[] {
  const lines: DeliveredLine[] = [];
  let chunk: { applied: AppliedRecord; entry: DeliveredEntry }[] = [];
  let bytes = 0;
  for (const applied of delivered) {
    const entry = entryOf(applied, now);
    // Counted as if its team were written beside it: an upper bound of what it adds to the line.
    const size =
      Buffer.byteLength(JSON.stringify(entry)) + Buffer.byteLength(JSON.stringify(teamOf(applied) ?? {}));
    if (chunk.length > 0 && (chunk.length === EMF_MAX_VALUES || bytes + size > ENTRY_BYTES_PER_LINE)) {
      lines.push(lineOf(chunk));
      chunk = [];
      bytes = 0;
    }
    chunk.push({ applied, entry });
    bytes += size;
  }
  if (chunk.length > 0) lines.push(lineOf(chunk));
  return lines;
}

type Fields = Readonly<Record<string, unknown>>;

const isObject = (value: unknown): value is Fields =>
  typeof value === "object" && value !== null && !Array.isArray(value);
const numberOr = (value: unknown) =>
  typeof value === "number" && Number.isFinite(value) ? value : undefined;

/**
 * The events a parsed log line lists as delivered, each in the terms of a record's own line
 * (`event_id`, `status`, `team`, `matched_by`, `agent_status`, `agent_ms`, `latency_ms`,
 * `attempts`, 1 when absent), for readers of the router's lines (the local terminal and console).
 * Empty for any other line; malformed parts are skipped.
 */
export function deliveredEvents(fields: Fields): Record<string, unknown>[] {
  if (fields.message !== DELIVERED_MESSAGE || !Array.isArray(fields.delivered)) return [];
  return fields.delivered.filter(isObject).flatMap((group) =>
    (Array.isArray(group.events) ? group.events : [])
      .filter((event): event is Fields => isObject(event) && typeof event.id === "string")
      .map((event) => {
        const numbers = {
          agent_status: numberOr(event.agent_status),
          agent_ms: numberOr(event.agent_ms),
          latency_ms: numberOr(event.latency_ms),
          attempts: numberOr(event.attempts) ?? 1,
        };
        return {
          event_id: event.id,
          status: "delivered",
          ...(typeof group.team === "string" && group.team !== "" ? { team: group.team } : {}),
          ...(typeof group.matched_by === "string" && group.matched_by !== ""
            ? { matched_by: group.matched_by }
            : {}),
          ...Object.fromEntries(Object.entries(numbers).filter(([, v]) => v !== undefined)),
        };
      }),
  );
}
