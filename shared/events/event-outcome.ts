import type { ProviderName } from "../providers/provider";
import type { RoutingIdentifiers } from "../routing/identifiers";

/** Every outcome the router records; the events table's `by-status` index lists them newest first. */
export const EVENT_STATUSES = [
  "delivered",
  "duplicate",
  "unrouted",
  "rejected",
  "retrying",
  "failed",
  "dead",
  // Requests ingest answered itself (the audit trail): never queued, so no router outcome.
  "ignored",
  "handshake",
  // Redeliveries the GitHub reconciliation asked GitHub for, or GitHub refused: no webhook of
  // their own (the redelivered webhook is recorded as any other), so never counted as one.
  "redelivery_requested",
  "redelivery_refused",
] as const;
export type EventStatus = (typeof EVENT_STATUSES)[number];

/** The statuses of webhooks (requests and events), which `stats` counts: all but the redelivery records. */
export const WEBHOOK_STATUSES = EVENT_STATUSES.filter(
  (status): status is WebhookStatus => !status.startsWith("redelivery_"),
);
export type WebhookStatus = Exclude<EventStatus, "redelivery_requested" | "redelivery_refused">;

/** What happened to one event, as the router knows it when it records the outcome. */
export interface EventOutcome {
  /** The envelope id; for a body that is no envelope, `sqs-message:<SQS message id>`. */
  event_id: string;
  status: EventStatus;
  /** The SQS message this outcome was reached on. */
  message_id: string;
  /** SQS ApproximateReceiveCount: 1 on first delivery. */
  attempts: number;
  provider?: ProviderName;
  route?: string;
  source?: string;
  event_type?: string;
  action?: string;
  delivery_key?: string;
  received_at?: string;
  correlation_id?: string;
  identifiers?: RoutingIdentifiers;
  org_id?: string;
  team_node_id?: string;
  /** The identifier kind that matched, or `default_team` when DEFAULT_TEAM caught the event. */
  matched_by?: string;
  /** The agent's HTTP status on the last call, when there was one. */
  agent_status?: number;
  last_error?: string;
  /** Status `duplicate`: the event id that first handled this delivery key (the provider resent it). */
  duplicate_of?: string;
  /** The raw SQS message body, kept so the event can be replayed. */
  body: string;
}
