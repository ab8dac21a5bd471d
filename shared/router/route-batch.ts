import type { Logger } from "@aws-lambda-powertools/logger";
import { type Metrics, MetricUnit } from "@aws-lambda-powertools/metrics";
import type { SQSRecord } from "aws-lambda";
import type { AgentClient } from "../agent/agent-client";
import { type AgentTeam, agentRequest } from "../agent/agent-request";
import type { AgentResult } from "../agent/agent-result";
import type { RouterConfig } from "../config/router-config";
import type { Envelope } from "../envelope/envelope";
import type { EventOutcome, EventStatus } from "../events/event-outcome";
import type { EventRecorder } from "../events/event-store";
import type { PayloadReader } from "../payloads/payload-store";
import type { RoutingIdentifiers } from "../routing/identifiers";
import type { TeamMatch, TeamResolver } from "../routing/team";
import type { SlackNotifier } from "../slack/slack-notifier";
import { AgentGate } from "./agent-gate";
import type { DeliveryGuard } from "./delivery-guard";
import type { MessageVisibility } from "./message-visibility";
import { type PreparedRecord, prepareRecord, receiveCount } from "./prepare-record";
import { RetryLaterError } from "./retry-later";
import { backoffSeconds } from "./retry-policy";
import { slackFailureNotice } from "./slack-failure-notice";

export interface RouterDeps {
  config: RouterConfig;
  teams: TeamResolver;
  agent: AgentClient;
  events: EventRecorder;
  guard: DeliveryGuard;
  visibility: MessageVisibility;
  slack: SlackNotifier;
  logger: Logger;
  metrics: Metrics;
  /** Reads back payloads ingest stored apart (v2 envelopes); without it those are rejected. */
  payloads?: PayloadReader;
  now?: () => Date;
  random?: () => number;
}

/** What the idempotency table remembers about a delivery key once the agent has answered for good. */
export interface DeliverySummary {
  event_id: string;
  outcome: "delivered" | "failed";
  agent_status: number;
  error?: string;
}

/** How one record ended when it was not retried (for logs and tests). */
export type RecordResult =
  | { status: "delivered"; event_id: string; duplicate_of?: string }
  | { status: "failed"; event_id: string; duplicate_of?: string }
  | { status: "unrouted"; event_id: string }
  | { status: "rejected"; event_id: string };

/** Time kept back, beyond the agent timeout, before the invocation ends: no agent call starts after it. */
const DEADLINE_MARGIN_MS = 1_000;

/** The team an envelope goes to: a routing match, or DEFAULT_TEAM when configured. */
interface Destination {
  team: AgentTeam;
  agentUrl: string;
}

/**
 * Routes one SQS batch: one instance per invocation. Envelopes are parsed (stored payloads read back,
 * concurrently) and every valid record's identifiers resolved in one `resolveTeams` call up front;
 * then `route(record)` handles each record independently (a thrown error means "retry this record
 * later", after its visibility and outcome have been set). Copies of one delivery key within the
 * batch run one after another, so the second finds the first's result instead of colliding with it.
 */
export class BatchRouter {
  private readonly prepared = new Map<string, Promise<PreparedRecord>>();
  /** Each valid record's team (undefined: no claim matches), by SQS message id. */
  private readonly teams: Promise<Map<string, TeamMatch | undefined>>;
  private readonly chains = new Map<string, Promise<unknown>>();
  private readonly gate: AgentGate;
  private readonly now: () => Date;

  constructor(
    private readonly deps: RouterDeps,
    records: readonly SQSRecord[],
    private readonly remainingTimeMs: () => number,
  ) {
    this.now = deps.now ?? (() => new Date());
    this.gate = new AgentGate(deps.config.agentConcurrency, deps.config.circuitBreakerThreshold);
    const preparing = Promise.all(records.map((record) => this.prepare(record)));
    records.forEach((record, index) => {
      this.prepared.set(
        record.messageId,
        preparing.then((all) => all[index]!),
      );
    });
    this.teams = preparing.then(async (all) => {
      const valid: Array<{ messageId: string; identifiers: RoutingIdentifiers }> = [];
      all.forEach((prepared, index) => {
        if (prepared.ok)
          valid.push({ messageId: records[index]!.messageId, identifiers: prepared.identifiers });
      });
      const matches = valid.length > 0 ? await deps.teams.resolveTeams(valid.map((v) => v.identifiers)) : [];
      return new Map(valid.map((v, index) => [v.messageId, matches[index]]));
    });
    this.teams.catch(() => undefined); // each record awaits (and reports) it itself
  }

  private prepare(record: SQSRecord): Promise<PreparedRecord> {
    return prepareRecord(record, this.deps.logger, this.deps.payloads);
  }

  async route(record: SQSRecord): Promise<RecordResult> {
    const prepared = await (this.prepared.get(record.messageId) ?? this.prepare(record));
    const outcome = this.baseOutcome(record, prepared);
    try {
      if (!prepared.ok) {
        if (prepared.retryable) throw new RetryLaterError(prepared.problem);
        return await this.reject(outcome, prepared.problem);
      }
      return await this.routeEnvelope(record, prepared.envelope, outcome);
    } catch (error) {
      await this.retryLater(record, prepared.envelope, outcome, error);
      throw error;
    }
  }

  private baseOutcome(record: SQSRecord, prepared: PreparedRecord): Omit<EventOutcome, "status"> {
    const base = { event_id: prepared.eventId, message_id: record.messageId, attempts: receiveCount(record) };
    const e = prepared.envelope;
    if (!e) return { ...base, body: record.body };
    return {
      ...base,
      provider: e.provider,
      route: e.route,
      ...(e.source ? { source: e.source } : {}),
      event_type: e.event_type,
      ...(e.action ? { action: e.action } : {}),
      delivery_key: e.delivery_key,
      received_at: e.received_at,
      correlation_id: e.correlation_id,
      ...(prepared.ok ? { identifiers: prepared.identifiers } : {}),
      body: record.body,
    };
  }

  private async reject(outcome: Omit<EventOutcome, "status">, problem: string): Promise<RecordResult> {
    this.deps.logger.warn("message cannot be routed; recorded as rejected, not retried", {
      event_id: outcome.event_id,
      message_id: outcome.message_id,
      reason: problem,
    });
    this.deps.metrics.addMetric("EventsRejected", MetricUnit.Count, 1);
    await this.deps.events.record({ ...outcome, status: "rejected", last_error: problem });
    return { status: "rejected", event_id: outcome.event_id };
  }

  private async routeEnvelope(
    record: SQSRecord,
    envelope: Envelope,
    outcome: Omit<EventOutcome, "status">,
  ): Promise<RecordResult> {
    let match: TeamMatch | undefined;
    try {
      match = (await this.teams).get(record.messageId);
    } catch (error) {
      throw new RetryLaterError(`routing table unavailable: ${(error as Error).message}`);
    }
    const destination = this.destination(match);
    if (!destination) {
      this.deps.logger.info(
        "no team claims this event's identifiers; acknowledged and recorded as unrouted",
        {
          event_id: envelope.id,
          provider: envelope.provider,
          event_type: envelope.event_type,
          delivery_key: envelope.delivery_key,
          correlation_id: envelope.correlation_id,
          identifiers: outcome.identifiers,
        },
      );
      this.deps.metrics.addMetric("EventsUnrouted", MetricUnit.Count, 1);
      await this.deps.events.record({ ...outcome, status: "unrouted" });
      return { status: "unrouted", event_id: envelope.id };
    }
    Object.assign(outcome, {
      org_id: destination.team.org_id,
      team_node_id: destination.team.team_node_id,
      matched_by: destination.team.matched_by,
    });
    if (!match) {
      this.deps.logger.info("no team claims this event's identifiers; DEFAULT_TEAM takes it", {
        event_id: envelope.id,
        identifiers: outcome.identifiers,
      });
      this.deps.metrics.addMetric("EventsDefaultTeam", MetricUnit.Count, 1);
    }
    this.deps.metrics.addMetric("EventsRouted", MetricUnit.Count, 1);
    const key = `${envelope.provider}:${envelope.delivery_key}`;
    return this.inBatchOrder(key, () => this.deliver(key, envelope, destination, outcome));
  }

  private destination(match: TeamMatch | undefined): Destination | undefined {
    if (match) {
      return {
        team: {
          org_id: match.org_id,
          team_node_id: match.team_node_id,
          matched_by: match.matched_by,
          identifier: match.identifier,
        },
        agentUrl: match.agent?.url ?? this.deps.config.agentUrl,
      };
    }
    const fallback = this.deps.config.defaultTeam;
    if (!fallback) return undefined;
    return {
      team: { ...fallback, matched_by: "default_team", identifier: "" },
      agentUrl: this.deps.config.agentUrl,
    };
  }

  /** Runs copies of one delivery key in arrival order; if an earlier copy failed, later ones wait too. */
  private inBatchOrder<T>(key: string, task: () => Promise<T>): Promise<T> {
    const previous = this.chains.get(key);
    const run = (async () => {
      if (previous) {
        const earlierSucceeded = await previous.then(
          () => true,
          () => false,
        );
        if (!earlierSucceeded) {
          throw new RetryLaterError(
            `an earlier copy of delivery ${key} in this batch failed; retrying later`,
          );
        }
      }
      return task();
    })();
    this.chains.set(key, run);
    return run;
  }

  private async deliver(
    key: string,
    envelope: Envelope,
    destination: Destination,
    outcome: Omit<EventOutcome, "status">,
  ): Promise<RecordResult> {
    const { config, agent, guard, logger, metrics } = this.deps;
    let sent: AgentResult | undefined;
    let guarded: { value: DeliverySummary; fresh: boolean };
    let remembered = true;
    try {
      guarded = await this.gate.run(() => {
        if (this.remainingTimeMs() < config.agentTimeoutMs + DEADLINE_MARGIN_MS) {
          throw new RetryLaterError("not enough time left in this invocation to call the agent");
        }
        return guard.once<DeliverySummary>(
          key,
          async () => {
            sent = await agent.deliver(
              destination.agentUrl,
              agentRequest(envelope, destination.team),
              envelope.correlation_id,
            );
            if (sent.outcome === "retryable") {
              this.gate.failed();
              throw new RetryLaterError(sent.error, {
                errorClass: sent.errorClass,
                ...(sent.status !== undefined ? { agentStatus: sent.status } : {}),
                ...(sent.retryAfterSeconds !== undefined
                  ? { retryAfterSeconds: sent.retryAfterSeconds }
                  : {}),
              });
            }
            this.gate.succeeded();
            return summarise(envelope.id, sent);
          },
          this.remainingTimeMs,
        );
      });
    } catch (error) {
      const answered = sent as AgentResult | undefined;
      if (answered?.outcome === "retryable") {
        this.agentError(answered.errorClass, envelope, answered.error, answered.status);
        if (error instanceof RetryLaterError) throw error;
        throw new RetryLaterError(answered.error, { errorClass: answered.errorClass });
      }
      if (!answered) throw error;
      // The agent answered for good but the guard could not remember it, even retrying until the
      // deadline: retrying would send it again once the in-progress record expires, so the answer stands.
      logger.error("agent answered but the idempotency record could not be completed", {
        event_id: envelope.id,
        delivery_key: envelope.delivery_key,
        error: (error as Error).message,
      });
      metrics.addMetric("DeliveriesNotRemembered", MetricUnit.Count, 1);
      remembered = false;
      guarded = { value: summarise(envelope.id, answered), fresh: true };
    }

    const summary = guarded.value;
    if (!guarded.fresh) return this.duplicate(envelope, outcome, summary);
    if (summary.outcome === "delivered") {
      const latency = Math.max(0, this.now().getTime() - Date.parse(envelope.received_at));
      metrics.addMetric("EventsDelivered", MetricUnit.Count, 1);
      metrics.addMetric("EndToEndLatency", MetricUnit.Milliseconds, latency);
      logger.info("delivered to the agent", {
        event_id: envelope.id,
        correlation_id: envelope.correlation_id,
        org_id: destination.team.org_id,
        team_node_id: destination.team.team_node_id,
        matched_by: destination.team.matched_by,
        agent_status: summary.agent_status,
        latency_ms: latency,
      });
      await this.recordDelivered(
        { ...outcome, status: "delivered", agent_status: summary.agent_status },
        remembered,
      );
      return { status: "delivered", event_id: envelope.id };
    }
    this.agentError("permanent", envelope, summary.error ?? "", summary.agent_status);
    await this.deps.events.record({
      ...outcome,
      status: "failed",
      agent_status: summary.agent_status,
      ...(summary.error ? { last_error: summary.error } : {}),
    });
    await this.notifySlack(envelope, outcome, "failed", summary.agent_status);
    return { status: "failed", event_id: envelope.id };
  }

  /**
   * Records a delivery. If that fails the message is retried, which is safe once the guard has
   * remembered the delivery (the retry finds it and records it); a delivery the guard could not
   * remember is not retried, or the agent would get it twice: the outcome record is missing instead.
   */
  private async recordDelivered(delivered: EventOutcome, remembered: boolean): Promise<void> {
    try {
      await this.deps.events.record(delivered);
    } catch (error) {
      if (remembered) throw error;
      this.deps.logger.error(
        "delivered, but neither remembered nor recorded; not retried (the agent has it)",
        {
          event_id: delivered.event_id,
          delivery_key: delivered.delivery_key,
          error: (error as Error).message,
        },
      );
    }
  }

  private async duplicate(
    envelope: Envelope,
    outcome: Omit<EventOutcome, "status">,
    summary: DeliverySummary,
  ): Promise<RecordResult> {
    this.deps.logger.info("delivery key already handled; not sent again", {
      event_id: envelope.id,
      delivery_key: envelope.delivery_key,
      provider: envelope.provider,
      original_event_id: summary.event_id,
      original_outcome: summary.outcome,
    });
    this.deps.metrics.addMetric("EventsDuplicate", MetricUnit.Count, 1);
    const duplicateOf = summary.event_id !== envelope.id ? { duplicate_of: summary.event_id } : {};
    await this.deps.events.record({
      ...outcome,
      status: summary.outcome,
      agent_status: summary.agent_status,
      ...(summary.error ? { last_error: summary.error } : {}),
      ...duplicateOf,
    });
    return { status: summary.outcome, event_id: envelope.id, ...duplicateOf };
  }

  private agentError(errorClass: string, envelope: Envelope, error: string, status?: number): void {
    const metric = this.deps.metrics.singleMetric();
    metric.addDimension("class", errorClass);
    metric.addMetric("AgentErrors", MetricUnit.Count, 1);
    this.deps.logger.warn("agent call failed", {
      event_id: envelope.id,
      correlation_id: envelope.correlation_id,
      error_class: errorClass,
      agent_status: status,
      error,
    });
  }

  /**
   * The record is going back to the queue: delay its next delivery (exponential backoff with full
   * jitter from its receive count), record `retrying`, or `dead` on the last delivery SQS will make
   * before the dead-letter queue. Failures here are logged: the record is retried all the same.
   */
  private async retryLater(
    record: SQSRecord,
    envelope: Envelope | undefined,
    outcome: Omit<EventOutcome, "status">,
    error: unknown,
  ): Promise<void> {
    const { config, logger, metrics } = this.deps;
    const message = error instanceof Error ? error.message : String(error);
    const details = error instanceof RetryLaterError ? error.details : {};
    const dead = outcome.attempts >= config.maxReceiveCount;
    const delay = dead
      ? 0
      : backoffSeconds(
          outcome.attempts,
          { baseDelaySeconds: config.retryBaseDelaySeconds, maxDelaySeconds: config.retryMaxDelaySeconds },
          this.deps.random,
          details.retryAfterSeconds,
        );
    const status: EventStatus = dead ? "dead" : "retrying";
    const fields = {
      event_id: outcome.event_id,
      message_id: outcome.message_id,
      correlation_id: outcome.correlation_id,
      attempts: outcome.attempts,
      reason: message,
    };
    if (dead) logger.error("giving up: the message goes to the dead-letter queue", fields);
    else logger.warn("record will be retried", { ...fields, retry_in_seconds: delay });
    if (!(error instanceof RetryLaterError))
      logger.error("unexpected error routing a record", error as Error);
    metrics.addMetric(dead ? "EventsDead" : "EventsRetried", MetricUnit.Count, 1);
    try {
      await this.deps.visibility.delay(record.receiptHandle, delay);
    } catch (visibilityError) {
      logger.warn("could not change the message's visibility; the queue's default applies", {
        message_id: record.messageId,
        error: (visibilityError as Error).message,
      });
    }
    try {
      await this.deps.events.record({
        ...outcome,
        status,
        last_error: message,
        ...(details.agentStatus !== undefined ? { agent_status: details.agentStatus } : {}),
      });
    } catch (recordError) {
      logger.error("could not record the outcome; the message is retried regardless", {
        event_id: outcome.event_id,
        status,
        error: (recordError as Error).message,
      });
    }
    if (dead && envelope) await this.notifySlack(envelope, outcome, "dead", details.agentStatus);
  }

  /** Seed 000: a Slack event the agent will not take gets a short notice in its channel. Never throws. */
  private async notifySlack(
    envelope: Envelope,
    outcome: Omit<EventOutcome, "status">,
    why: "failed" | "dead",
    agentStatus?: number,
  ): Promise<void> {
    const notice = slackFailureNotice(envelope, outcome, why, agentStatus);
    if (!notice) return;
    try {
      await this.deps.slack.notify(notice);
      this.deps.logger.info("posted a failure notice to Slack", {
        event_id: envelope.id,
        channel: notice.channel,
      });
    } catch (error) {
      this.deps.metrics.addMetric("SlackNoticeErrors", MetricUnit.Count, 1);
      this.deps.logger.warn("could not post the failure notice to Slack", {
        event_id: envelope.id,
        channel: notice.channel,
        error: (error as Error).message,
      });
    }
  }
}

function summarise(eventId: string, result: Exclude<AgentResult, { outcome: "retryable" }>): DeliverySummary {
  return result.outcome === "delivered"
    ? { event_id: eventId, outcome: "delivered", agent_status: result.status }
    : { event_id: eventId, outcome: "failed", agent_status: result.status, error: result.error };
}
