import type { EventStatus } from "../../shared/events/event-outcome";
import { logger } from "../../shared/observability/powertools";
import { type CountedMetrics, type MetricValues, recordLine } from "../../shared/observability/record-line";
import type { AppliedRecord } from "../../shared/router/apply-decision";
import type { DeferClass } from "../../shared/router/routing-decision";
import {
  BY_SERVICE,
  type DeliveredRecord,
  deliveredLines,
  END_TO_END_LATENCY,
  isDelivered,
  latencyMs,
  SERVICE,
  teamOf,
} from "./delivered-line";

const METRIC_BY_STATUS: Partial<Record<EventStatus, string>> = {
  delivered: "EventsDelivered",
  duplicate: "EventsDuplicate",
  failed: "EventsFailed",
  unrouted: "EventsUnrouted",
  rejected: "EventsRejected",
  retrying: "EventsRetried",
  dead: "EventsDead",
};

/** `AgentErrors` by error class, the series the agent error rate alarm adds up. */
const BY_CLASS = [...BY_SERVICE, "class"];
/** Deferrals the agent caused (the others are the router's own: breaker open, no time, in progress, unavailable). */
const AGENT_DEFER_CLASSES: readonly DeferClass[] = ["retryable", "timeout", "network"];

type Fields = Record<string, unknown>;

/** The fields every line about a record carries: enough to find the event, never its payload. */
function identity(applied: AppliedRecord): Fields {
  const { outcome } = applied.routed;
  return {
    event_id: outcome.event_id,
    ...(outcome.correlation_id ? { correlation_id: outcome.correlation_id } : {}),
    ...(outcome.provider ? { provider: outcome.provider, event_type: outcome.event_type } : {}),
    ...(teamOf(applied) ?? {}),
    attempts: outcome.attempts,
  };
}

interface RecordLine {
  level: "INFO" | "WARN" | "ERROR";
  message: string;
  fields: Fields;
  /** The agent error class it counts, if any. */
  agentError?: string;
  /** For a delivered record: its latency and whether its outcome is remembered. */
  delivered?: { latency?: number; recorded: boolean };
}

/** What the line of a record says beyond its identity and status, at the level an operator should see it. */
function lineOf(applied: AppliedRecord, now: Date): RecordLine {
  const { decision } = applied.routed;
  switch (decision.kind) {
    case "delivered": {
      const latency = latencyMs(applied, now);
      return {
        level: applied.problems.length === 0 ? "INFO" : "ERROR",
        message: "delivered",
        fields: {
          agent_status: decision.agentStatus,
          agent_ms: decision.durationMs,
          ...(latency !== undefined ? { latency_ms: latency } : {}),
          ...(applied.recorded ? {} : { recorded: false }),
        },
        delivered: { ...(latency !== undefined ? { latency } : {}), recorded: applied.recorded },
      };
    }
    case "duplicate":
      return {
        level: "INFO",
        message: "delivery key already handled; not sent again",
        fields: { duplicate_of: decision.original.event_id, original_outcome: decision.original.outcome },
      };
    case "failed":
      return {
        level: "WARN",
        message: "the agent refused the event for good",
        fields: { agent_status: decision.agentStatus, reason: decision.error },
        agentError: decision.errorClass,
      };
    case "unrouted":
      return {
        level: "INFO",
        message: "no team takes this event; acknowledged",
        fields: { reason: decision.reason },
      };
    case "rejected":
      return {
        level: "WARN",
        message: "message cannot be routed; not retried",
        fields: { reason: decision.reason },
      };
    case "defer": {
      const dead = applied.status === "dead";
      return {
        level: dead ? "ERROR" : "WARN",
        message: dead ? "giving up: the message goes to the dead-letter queue" : "record will be retried",
        fields: {
          defer_class: decision.deferClass,
          reason: decision.reason,
          ...(decision.agentStatus !== undefined ? { agent_status: decision.agentStatus } : {}),
          retry_in_seconds: applied.retryInSeconds,
        },
        ...(AGENT_DEFER_CLASSES.includes(decision.deferClass) ? { agentError: decision.deferClass } : {}),
      };
    }
  }
}

/** The metrics of one record's own line (rare records: built per line). */
function metricsOf(
  applied: AppliedRecord,
  line: RecordLine,
): { counted: CountedMetrics[]; values: MetricValues } {
  if (line.delivered) {
    const { latency, recorded } = line.delivered;
    const metrics = [
      "EventsDelivered",
      ...(latency !== undefined ? [END_TO_END_LATENCY] : []),
      // Not recorded: the agent has it, and only this container remembers (a copy elsewhere may resend).
      ...(recorded ? [] : ["DeliveriesNotRemembered"]),
    ];
    return {
      counted: [{ dimensions: BY_SERVICE, metrics }],
      values: latency !== undefined ? { EndToEndLatency: [latency] } : {},
    };
  }
  const metric = METRIC_BY_STATUS[applied.status];
  return {
    counted: [
      ...(metric ? [{ dimensions: BY_SERVICE, metrics: [metric] }] : []),
      ...(line.agentError ? [{ dimensions: BY_CLASS, metrics: ["AgentErrors"] }] : []),
    ],
    values: {},
  };
}

/** A delivered record with nothing more to say than its entry in the invocation's line. */
const plainDelivery = (applied: AppliedRecord): applied is DeliveredRecord =>
  isDelivered(applied) &&
  applied.recorded &&
  applied.problems.length === 0 &&
  applied.routed.skipped.length === 0 &&
  applied.notified.length === 0;

/** A record's own line, as detailed as an operator hunting for it needs, carrying its metrics. */
function writeRecordLine(applied: AppliedRecord, now: Date): void {
  const { decision, skipped } = applied.routed;
  if (decision.kind === "defer" && decision.unexpected) {
    logger.error("unexpected error routing a record", decision.unexpected as Error);
  }
  const line = lineOf(applied, now);
  const { counted, values } = metricsOf(applied, line);
  recordLine.write(
    {
      level: line.level,
      message: line.message,
      service: SERVICE,
      ...identity(applied),
      status: applied.status,
      ...(skipped.length > 0 ? { skipped_identifiers: skipped } : {}),
      ...(applied.notified.length > 0 ? { notified: applied.notified } : {}),
      ...(applied.problems.length > 0 ? { problems: applied.problems } : {}),
      ...line.fields,
      ...(line.agentError ? { class: line.agentError } : {}),
    },
    counted,
    values,
  );
}

/**
 * The lines and metrics of a batch: one line (more for a large batch) listing the events delivered
 * with nothing else to say, and a line of its own for every other record (duplicate, failed,
 * unrouted, rejected, retrying, dead, or delivered with a problem), at the level an operator should
 * see it. Each line carries the metrics of the records it tells of. Reasons are the router's own
 * words; secrets never appear.
 */
export function recordRouterResults(applied: readonly AppliedRecord[], now: Date = new Date()): void {
  const plain: DeliveredRecord[] = [];
  for (const record of applied) {
    if (plainDelivery(record)) plain.push(record);
    else writeRecordLine(record, now);
  }
  for (const line of deliveredLines(plain, now)) recordLine.write(line.fields, line.counted, line.values);
}
