import { agentRequestBody } from "../agent/agent-request";
import type { AgentResult } from "../agent/agent-result";
import type { Envelope } from "../envelope/envelope";
import { DeliveryNotRememberedError } from "./delivery-guard";
import type { RouterDeps } from "./router-deps";
import { AgentRetryableError, DeliveryInProgressError } from "./router-errors";
import type { Decision, DeliverySummary, Destination } from "./routing-decision";

/** Time kept back, beyond the agent timeout, before the invocation ends: no agent call starts after it. */
const DEADLINE_MARGIN_MS = 1_000;

export interface Delivery {
  /** The namespaced delivery key the guard and the agent dedupe on. */
  key: string;
  envelope: Envelope;
  payloadText: string;
  destination: Destination;
}

function summarise(eventId: string, result: Exclude<AgentResult, { outcome: "retryable" }>): DeliverySummary {
  return result.outcome === "delivered"
    ? { event_id: eventId, outcome: "delivered", agent_status: result.status }
    : {
        event_id: eventId,
        outcome: "failed",
        ...(result.status !== undefined ? { agent_status: result.status } : {}),
        error: result.error,
      };
}

/** The decision for an answer the guard now remembers (or could not remember: `remembered` false). */
function answered(summary: DeliverySummary, durationMs: number, remembered: boolean): Decision {
  if (summary.outcome === "delivered")
    return { kind: "delivered", agentStatus: summary.agent_status ?? 200, durationMs, remembered };
  return {
    kind: "failed",
    errorClass: "permanent",
    ...(summary.agent_status !== undefined ? { agentStatus: summary.agent_status } : {}),
    error: summary.error ?? "the agent refused the event",
  };
}

/** A retryable agent answer as a deferral, with its status and Retry-After. */
function deferred(result: Extract<AgentResult, { outcome: "retryable" }>): Decision {
  return {
    kind: "defer",
    deferClass: result.errorClass,
    reason: result.error,
    ...(result.status !== undefined ? { agentStatus: result.status } : {}),
    ...(result.retryAfterSeconds !== undefined ? { retryAfterSeconds: result.retryAfterSeconds } : {}),
  };
}

/**
 * One delivery to a team's agent, at most once per key: through the destination's breaker (an open
 * one defers the event without calling), the team's token, the exactly-once guard and the call.
 * Returns the decision; throws only for what the router did not expect.
 */
export async function deliverToAgent(
  deps: RouterDeps,
  delivery: Delivery,
  remainingTimeMs: () => number,
): Promise<Decision> {
  const { destination, envelope } = delivery;
  let token: string | undefined;
  if (destination.tokenSecret) {
    try {
      token = await deps.tokens.read(destination.tokenSecret);
    } catch (error) {
      return { kind: "defer", deferClass: "unavailable", reason: (error as Error).message };
    }
  }
  const admission = await deps.breakers.admit(destination.agentUrl);
  if (!admission.admitted) {
    return {
      kind: "defer",
      deferClass: "circuit_open",
      reason: admission.reason,
      retryAfterSeconds: Math.ceil(admission.retryInMs / 1000),
    };
  }
  let breakerOutcome: "succeeded" | "failed" = "succeeded";
  const started = Date.now();
  try {
    if (remainingTimeMs() < deps.config.agentTimeoutMs + DEADLINE_MARGIN_MS) {
      return {
        kind: "defer",
        deferClass: "no_time",
        reason: "not enough time left in this invocation to call the agent",
      };
    }
    const body = agentRequestBody({
      meta: {
        id: envelope.id,
        provider: envelope.provider,
        ...(envelope.source ? { source: envelope.source } : {}),
        event_type: envelope.event_type,
        delivery_key: delivery.key,
        received_at: envelope.received_at,
        team: destination.team,
      },
      payloadText: delivery.payloadText,
    });
    const send = async (): Promise<DeliverySummary> => {
      const result = await deps.agent.deliver({
        url: destination.agentUrl,
        body,
        webhookId: envelope.id,
        correlationId: envelope.correlation_id,
        ...(token ? { token } : {}),
      });
      if (result.outcome === "retryable") throw new AgentRetryableError(result);
      return summarise(envelope.id, result);
    };
    try {
      const guarded = await deps.guard.once(delivery.key, send, remainingTimeMs);
      if (!guarded.fresh) return { kind: "duplicate", original: guarded.value };
      return answered(guarded.value, Date.now() - started, true);
    } catch (error) {
      if (error instanceof AgentRetryableError) {
        breakerOutcome = "failed";
        return deferred(error.result);
      }
      if (error instanceof DeliveryNotRememberedError) {
        // The agent answered for good but the guard could not remember it even retrying until the
        // deadline: retrying would send it again once the in-progress record expires, so it stands.
        return answered(error.value as DeliverySummary, Date.now() - started, false);
      }
      if (error instanceof DeliveryInProgressError) {
        return { kind: "defer", deferClass: "in_progress", reason: error.message };
      }
      return {
        kind: "defer",
        deferClass: "unavailable",
        reason: `the idempotency table is unavailable: ${(error as Error).message}`,
      };
    }
  } finally {
    admission.release(breakerOutcome);
  }
}
