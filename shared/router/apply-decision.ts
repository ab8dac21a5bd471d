import type { EventOutcome, EventStatus } from "../events/event-outcome";
import { type FailureKind, failureNotices } from "./failure-notices";
import { backoffSeconds } from "./retry-policy";
import type { RouterDeps } from "./router-deps";
import type { DeliverySummary, RoutedRecord } from "./routing-decision";

/** A routed record once its outcome is recorded: what was written, and what could not be done. */
export interface AppliedRecord {
  routed: RoutedRecord;
  status: EventStatus;
  /** Report it in batchItemFailures: SQS delivers it again after `retryInSeconds`. */
  retry: boolean;
  retryInSeconds?: number;
  /** False when the outcome record could not be written. */
  recorded: boolean;
  /** The channels a failure notice was posted to. */
  notified: string[];
  /** Side effects that failed (logged). */
  problems: string[];
}

/** Writing the final answer is retried until this much of the invocation is left. */
const RECORD_DEADLINE_MARGIN_MS = 1_000;
const RECORD_FIRST_DELAY_MS = 100;
const RECORD_MAX_DELAY_MS = 1_000;

const message = (error: unknown) => (error instanceof Error ? error.message : String(error));
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Records a decision: the events-table item, the message's next visibility when it goes back to the
 * queue, and failure notices. The record of the agent's final answer is what tells later copies
 * that the key was handled, so it is retried until the invocation's deadline; if it still cannot be
 * written the guard answers copies from memory and the message is not retried (a retry would send
 * it again). Any other outcome whose record cannot be written is retried with the message.
 */
export async function applyDecision(
  deps: RouterDeps,
  routed: RoutedRecord,
  remainingTimeMs: () => number,
): Promise<AppliedRecord> {
  const { decision, outcome } = routed;
  const applied: AppliedRecord = {
    routed,
    status: "rejected",
    retry: false,
    recorded: true,
    notified: [],
    problems: [],
  };
  const write = async (item: EventOutcome) => {
    applied.status = item.status;
    try {
      await deps.events.record(item);
    } catch (error) {
      applied.recorded = false;
      applied.retry = true;
      applied.retryInSeconds = 0;
      applied.problems.push(`could not record the ${item.status} outcome: ${message(error)}`);
    }
  };
  switch (decision.kind) {
    case "delivered":
      await recordAnswer(
        deps,
        applied,
        { ...outcome, status: "delivered", agent_status: decision.agentStatus },
        remainingTimeMs,
      );
      break;
    case "failed":
      await recordAnswer(
        deps,
        applied,
        {
          ...outcome,
          status: "failed",
          ...(decision.agentStatus !== undefined ? { agent_status: decision.agentStatus } : {}),
          last_error: decision.error,
        },
        remainingTimeMs,
      );
      await notify(deps, applied, "failed", decision.agentStatus);
      break;
    case "duplicate": {
      const original = decision.original;
      // This very event seen again (a copy of its message): it keeps its own outcome.
      const same = original.event_id === outcome.event_id;
      await write({
        ...outcome,
        status: same ? original.outcome : "duplicate",
        ...(original.agent_status !== undefined ? { agent_status: original.agent_status } : {}),
        ...(original.error ? { last_error: original.error } : {}),
        ...(same ? {} : { duplicate_of: original.event_id }),
      });
      break;
    }
    case "unrouted":
      await write({ ...outcome, status: "unrouted", last_error: decision.reason });
      break;
    case "rejected":
      await write({ ...outcome, status: "rejected", last_error: decision.reason });
      break;
    case "defer":
      await defer(deps, applied);
      break;
  }
  return applied;
}

/** Records the agent's final answer, retrying while the invocation has time; remembers it if it cannot. */
async function recordAnswer(
  deps: RouterDeps,
  applied: AppliedRecord,
  item: EventOutcome,
  remainingTimeMs: () => number,
): Promise<void> {
  applied.status = item.status;
  for (let delay = RECORD_FIRST_DELAY_MS; ; delay = Math.min(delay * 2, RECORD_MAX_DELAY_MS)) {
    try {
      await deps.events.record(item);
      return;
    } catch (error) {
      if (remainingTimeMs() < RECORD_DEADLINE_MARGIN_MS + delay) {
        applied.recorded = false;
        applied.problems.push(`could not record the ${item.status} outcome: ${message(error)}`);
        break;
      }
      await sleep(delay);
    }
  }
  const key = applied.routed.deliveryKey;
  if (!key) return;
  const summary: DeliverySummary = {
    event_id: item.event_id,
    outcome: item.status === "delivered" ? "delivered" : "failed",
    ...(item.agent_status !== undefined ? { agent_status: item.agent_status } : {}),
    ...(item.last_error ? { error: item.last_error } : {}),
  };
  deps.guard.remember(key, summary);
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
    applied.recorded = false;
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
