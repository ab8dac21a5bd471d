import { MetricUnit } from "@aws-lambda-powertools/metrics";
import type { EventStatus } from "../../shared/events/event-outcome";
import { logger, metrics } from "../../shared/observability/powertools";
import type { AppliedRecord } from "../../shared/router/apply-decision";

const METRIC_BY_STATUS: Partial<Record<EventStatus, string>> = {
  delivered: "EventsDelivered",
  duplicate: "EventsDuplicate",
  failed: "EventsFailed",
  unrouted: "EventsUnrouted",
  rejected: "EventsRejected",
  retrying: "EventsRetried",
  dead: "EventsDead",
};

/** The fields every line about a record carries: enough to find the event, never its payload. */
function identity(applied: AppliedRecord) {
  const { outcome, destination } = applied.routed;
  return {
    event_id: outcome.event_id,
    ...(outcome.correlation_id ? { correlation_id: outcome.correlation_id } : {}),
    ...(outcome.provider ? { provider: outcome.provider, event_type: outcome.event_type } : {}),
    ...(destination
      ? {
          team: `${destination.team.org_id}/${destination.team.team_node_id}`,
          matched_by: destination.team.matched_by,
        }
      : {}),
    attempts: outcome.attempts,
  };
}

function countAgentError(errorClass: string): void {
  const metric = metrics.singleMetric();
  metric.addDimension("class", errorClass);
  metric.addMetric("AgentErrors", MetricUnit.Count, 1);
}

/**
 * One log line and the metrics for each record of a batch: delivered events at info, the rest at
 * the level an operator should see them. Reasons are the router's own words; secrets never appear.
 */
export function recordRouterResult(applied: AppliedRecord, now: Date = new Date()): void {
  const { decision, outcome, skipped } = applied.routed;
  const metric = METRIC_BY_STATUS[applied.status];
  if (metric) metrics.addMetric(metric, MetricUnit.Count, 1);
  const fields: Record<string, unknown> = { ...identity(applied), status: applied.status };
  if (skipped.length > 0) fields.skipped_identifiers = skipped;
  if (applied.notified.length > 0) fields.notified = applied.notified;
  if (applied.problems.length > 0) fields.problems = applied.problems;
  switch (decision.kind) {
    case "delivered": {
      const latency = Math.max(0, now.getTime() - Date.parse(outcome.received_at ?? ""));
      if (Number.isFinite(latency)) metrics.addMetric("EndToEndLatency", MetricUnit.Milliseconds, latency);
      // Not recorded: the agent has it, and only this container remembers (a copy elsewhere may resend).
      if (!applied.recorded) metrics.addMetric("DeliveriesNotRemembered", MetricUnit.Count, 1);
      const level = applied.problems.length === 0 ? "info" : "error";
      // The one line a delivered event costs, paid per webhook: the status says the rest.
      logger[level]("delivered", {
        ...fields,
        agent_status: decision.agentStatus,
        agent_ms: decision.durationMs,
        latency_ms: latency,
        ...(applied.recorded ? {} : { recorded: false }),
      });
      return;
    }
    case "duplicate":
      logger.info("delivery key already handled; not sent again", {
        ...fields,
        duplicate_of: decision.original.event_id,
        original_outcome: decision.original.outcome,
      });
      return;
    case "failed":
      countAgentError(decision.errorClass);
      logger.warn("the agent refused the event for good", {
        ...fields,
        agent_status: decision.agentStatus,
        reason: decision.error,
      });
      return;
    case "unrouted":
    case "rejected":
      logger[decision.kind === "rejected" ? "warn" : "info"](
        decision.kind === "rejected"
          ? "message cannot be routed; not retried"
          : "no team takes this event; acknowledged",
        { ...fields, reason: decision.reason },
      );
      return;
    case "defer":
      if (["retryable", "timeout", "network"].includes(decision.deferClass))
        countAgentError(decision.deferClass);
      if (decision.unexpected)
        logger.error("unexpected error routing a record", decision.unexpected as Error);
      logger[applied.status === "dead" ? "error" : "warn"](
        applied.status === "dead"
          ? "giving up: the message goes to the dead-letter queue"
          : "record will be retried",
        {
          ...fields,
          defer_class: decision.deferClass,
          reason: decision.reason,
          ...(decision.agentStatus !== undefined ? { agent_status: decision.agentStatus } : {}),
          retry_in_seconds: applied.retryInSeconds,
        },
      );
      return;
  }
}
