import type { SQSRecord } from "aws-lambda";
import type { AgentTeam } from "../agent/agent-request";
import type { AgentErrorClass } from "../agent/agent-result";
import type { Envelope } from "../envelope/envelope";
import type { EventOutcome } from "../events/event-outcome";
import type { IdentifierKind } from "../routing/identifiers";

/** Where an event goes: a team's agent, with what that team's config adds to the call. */
export interface Destination {
  team: AgentTeam;
  agentUrl: string;
  /** The team's `agent.token_secret`: its value is sent as `Authorization: Bearer`. */
  tokenSecret?: string;
  /** The team's `notify.slack_channel`: failure notices go there. */
  notifyChannel?: string;
}

/** What the idempotency table remembers about a delivery key once the agent has answered for good. */
export interface DeliverySummary {
  event_id: string;
  outcome: "delivered" | "failed";
  agent_status?: number;
  error?: string;
}

/** Why a record goes back to the queue: a class for metrics, and the agent's answer when there was one. */
export type DeferClass = AgentErrorClass | "circuit_open" | "in_progress" | "no_time" | "unavailable";

/** What the router decided for one record, before anything is recorded. */
export type Decision =
  | { kind: "delivered"; agentStatus: number; durationMs: number }
  /** The delivery key was already handled (a provider's resend, or this message seen again). */
  | { kind: "duplicate"; original: DeliverySummary }
  | { kind: "failed"; errorClass: AgentErrorClass; agentStatus?: number; error: string }
  | { kind: "unrouted"; reason: string }
  | { kind: "rejected"; reason: string }
  | {
      kind: "defer";
      deferClass: DeferClass;
      reason: string;
      agentStatus?: number;
      /** A delay the agent or the breaker asked for. */
      retryAfterSeconds?: number;
      /** Set when the cause was not one the router expects (a bug or an SDK surprise). */
      unexpected?: unknown;
    };

/** An identifier left out of the lookup because it cannot be a DynamoDB key. */
export interface SkippedIdentifier {
  kind: IdentifierKind;
  reason: string;
}

/** One record with everything known about it and the decision taken. */
export interface RoutedRecord {
  record: SQSRecord;
  /** The fields of its events-table record (all but the status). */
  outcome: Omit<EventOutcome, "status">;
  envelope?: Envelope;
  /** The namespaced delivery key, once the record reached the exactly-once guard. */
  deliveryKey?: string;
  /** The parsed payload (for failure notices that reply in the triggering thread). */
  payload?: unknown;
  destination?: Destination;
  skipped: readonly SkippedIdentifier[];
  decision: Decision;
}
