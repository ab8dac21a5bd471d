import type { EventOutcome, EventStatus } from "../events/event-outcome";
import { type FailureKind, failureNotices } from "./failure-notices";
import { backoffSeconds } from "./retry-policy";
import type { RouterDeps } from "./router-deps";
import type { RoutedRecord } from "./routing-decision";

/** A routed record once its outcome is recorded: what was written, and what could not be done. */
export interface AppliedRecord {
  routed: RoutedRecord;
  status: EventStatus;
  /** Report it in batchItemFailures: SQS delivers it again after `retryInSeconds`. */
  retry: boolean;
  retryInSeconds?: number;
  /** The channels a failure notice was posted to. */
  notified: string[];
  /** Side effects that failed (logged; only a failed record write of a final outcome retries the record). */
  problems: string[];
}

const message = (error: unknown) => (error instanceof Error ? error.message : String(error));

/**
 * Records a decision: the events-table item, the message's next visibility when it goes back to the
 * queue, and failure notices. A final outcome whose record cannot be written is retried (the guard
 * remembers a delivery, so the retry records it without sending again), except a delivery the guard
 * could not remember either: retrying that would send it twice, so its record is missing instead.
 */
export async function applyDecision(deps: RouterDeps, routed: RoutedRecord): Promise<AppliedRecord> {
  const { decision, outcome } = routed;
  const applied: AppliedRecord = { routed, status: "rejected", retry: false, notified: [], problems: [] };
  const write = async (item: EventOutcome, retryOnFailure: boolean) => {
    applied.status = item.status;
    try {
      await deps.events.record(item);
    } catch (error) {
      applied.problems.push(`could not record the ${item.status} outcome: ${message(error)}`);
      if (retryOnFailure) applied.retry = true;
    }
  };
  switch (decision.kind) {
    case "delivered":
      await write(
        { ...outcome, status: "delivered", agent_status: decision.agentStatus },
        decision.remembered,
      );
      break;
    case "duplicate": {
      const original = decision.original;
      // This very event seen again (its first outcome write failed): record the original outcome.
      const same = original.event_id === outcome.event_id;
      await write(
        {
          ...outcome,
          status: same ? original.outcome : "duplicate",
          ...(original.agent_status !== undefined ? { agent_status: original.agent_status } : {}),
          ...(original.error ? { last_error: original.error } : {}),
          ...(same ? {} : { duplicate_of: original.event_id }),
        },
        true,
      );
      break;
    }
    case "failed":
      await write(
        {
          ...outcome,
          status: "failed",
          ...(decision.agentStatus !== undefined ? { agent_status: decision.agentStatus } : {}),
          last_error: decision.error,
        },
        true,
      );
      await notify(deps, applied, "failed", decision.agentStatus);
      break;
    case "unrouted":
      await write({ ...outcome, status: "unrouted", last_error: decision.reason }, true);
      break;
    case "rejected":
      await write({ ...outcome, status: "rejected", last_error: decision.reason }, true);
      break;
    case "defer":
      await defer(deps, applied);
      break;
  }
  if (applied.retry && applied.retryInSeconds === undefined) applied.retryInSeconds = 0;
  return applied;
}

/** Back to the queue with backoff, recorded `retrying`, or `dead` on the last receive SQS will make. */
async function defer(deps: RouterDeps, applied: AppliedRecord): Promise<void> {
  const { routed } = applied;
  const { config } = deps;
  const decision = routed.decision as Extract<RoutedRecord["decision"], { kind: "defer" }>;
  const attempts = routed.outcome.attempts;
  const dead = attempts >= config.maxReceiveCount;
  const delay = dead
    ? 0
    : backoffSeconds(
        attempts,
        { baseDelaySeconds: config.retryBaseDelaySeconds, maxDelaySeconds: config.retryMaxDelaySeconds },
        deps.random,
        decision.retryAfterSeconds,
      );
  applied.retry = true;
  applied.retryInSeconds = delay;
  applied.status = dead ? "dead" : "retrying";
  try {
    await deps.visibility.delay(routed.record.receiptHandle, delay);
  } catch (error) {
    applied.problems.push(
      `could not change the message's visibility (the queue's default applies): ${message(error)}`,
    );
  }
  try {
    await deps.events.record({
      ...routed.outcome,
      status: applied.status,
      last_error: decision.reason,
      ...(decision.agentStatus !== undefined ? { agent_status: decision.agentStatus } : {}),
    });
  } catch (error) {
    applied.problems.push(`could not record the ${applied.status} outcome: ${message(error)}`);
  }
  if (dead) await notify(deps, applied, "dead", decision.agentStatus);
}

/** Posts the failure notices; a notice Slack refuses is a logged problem, never a retry. */
async function notify(deps: RouterDeps, applied: AppliedRecord, why: FailureKind, agentStatus?: number) {
  for (const notice of failureNotices(applied.routed, why, agentStatus)) {
    try {
      await deps.slack.notify(notice);
      applied.notified.push(notice.channel);
    } catch (error) {
      applied.problems.push(
        `could not post the failure notice to Slack channel ${notice.channel}: ${message(error)}`,
      );
    }
  }
}
