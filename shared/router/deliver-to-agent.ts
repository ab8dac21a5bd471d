import { agentRequestBody } from "../agent/agent-request";
import type { AgentResult } from "../agent/agent-result";
import type { Envelope } from "../envelope/envelope";
import type { Claim } from "./delivery-guard";
import type { CallOutcome, Refusal } from "./destination-breaker";
import type { RouterDeps } from "./router-deps";
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

/** The decision for the agent's final answer (delivered, or refused for good). */
function answered(summary: DeliverySummary, durationMs: number): Decision {
  if (summary.outcome === "delivered")
    return { kind: "delivered", agentStatus: summary.agent_status ?? 200, durationMs };
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

function requestBody({ envelope, key, destination, payloadText }: Delivery): string {
  return agentRequestBody({
    meta: {
      id: envelope.id,
      provider: envelope.provider,
      ...(envelope.source ? { source: envelope.source } : {}),
      event_type: envelope.event_type,
      delivery_key: key,
      received_at: envelope.received_at,
      team: destination.team,
    },
    payloadText,
  });
}

/** An open destination's refusal as a deferral, back when its breaker lets a probe through. */
function circuitOpen(refusal: Refusal): Decision {
  return {
    kind: "defer",
    deferClass: "circuit_open",
    reason: refusal.reason,
    retryAfterSeconds: Math.ceil(refusal.retryInMs / 1000),
  };
}

const NO_TIME: Decision = {
  kind: "defer",
  deferClass: "no_time",
  reason: "not enough time left in this invocation to call the agent",
};

/**
 * One delivery to a team's agent, at most once per key: the team's token, the destination's breaker
 * (an open one defers the event without claiming or calling), the exactly-once claim, then one of
 * the destination's call slots and the call. The claim is taken before waiting for a slot, so a
 * batch's claims are written together rather than a slot's worth at a time behind the calls; a
 * claim whose call cannot go ahead after all (the breaker opened meanwhile, or the invocation ran
 * short of time) is released. Returns the decision; throws only for what the router did not expect.
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
  const open = deps.breakers.refusalOf(destination.agentUrl);
  if (open) return circuitOpen(open);
  const noTime = () => remainingTimeMs() < deps.config.agentTimeoutMs + DEADLINE_MARGIN_MS;
  if (noTime()) return NO_TIME;
  let claim: Claim;
  try {
    // Held for the rest of the invocation: the call and the outcome record both happen within it.
    claim = await deps.guard.claim(delivery.key, envelope.id, remainingTimeMs());
  } catch (error) {
    return {
      kind: "defer",
      deferClass: "unavailable",
      reason: `the idempotency table is unavailable: ${(error as Error).message}`,
    };
  }
  if (claim.kind === "handled") return { kind: "duplicate", original: claim.original };
  if (claim.kind === "in_progress") {
    return {
      kind: "defer",
      deferClass: "in_progress",
      reason: `another copy of delivery ${delivery.key} (event ${claim.holder}) is being sent right now; checking again later`,
    };
  }
  const admission = await deps.breakers.admit(destination.agentUrl);
  if (!admission.admitted) {
    await deps.guard.release(delivery.key, envelope.id);
    return circuitOpen(admission);
  }
  let breakerOutcome: CallOutcome = "unused";
  try {
    if (noTime()) {
      await deps.guard.release(delivery.key, envelope.id);
      return NO_TIME;
    }
    const started = Date.now();
    let result: AgentResult;
    try {
      result = await deps.agent.deliver({
        url: destination.agentUrl,
        body: requestBody(delivery),
        webhookId: envelope.id,
        correlationId: envelope.correlation_id,
        ...(token ? { token } : {}),
      });
    } catch (error) {
      // Our side failed before anything was sent (an unusable signing secret): give the key up, or
      // the next receive would wait for this claim to run out.
      await deps.guard.release(delivery.key, envelope.id);
      return { kind: "defer", deferClass: "unavailable", reason: (error as Error).message };
    }
    breakerOutcome = result.outcome === "retryable" ? "failed" : "succeeded";
    if (result.outcome === "retryable") {
      await deps.guard.release(delivery.key, envelope.id);
      return deferred(result);
    }
    return answered(summarise(envelope.id, result), Date.now() - started);
  } finally {
    admission.release(breakerOutcome);
  }
}
