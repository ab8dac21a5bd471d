import type { WebhookRequest } from "../http/webhook-request";
import type { RoutingIdentifiers } from "../routing/identifiers";
import type { SecretReader } from "../secrets/secret-reader";

export const PROVIDER_NAMES = ["slack", "github", "pagerduty", "incidentio", "jira", "generic"] as const;
export type ProviderName = (typeof PROVIDER_NAMES)[number];

/** Where a request was addressed: the provider, the route template and, for generic senders, the source. */
export interface RouteMatch {
  provider: ProviderName;
  route: string;
  source?: string;
}

export type Verification = { ok: true } | { ok: false; problem: string };

/** One event to queue. A body may hold several (PagerDuty V2 `messages`). */
export interface WebhookEvent {
  eventType: string;
  action?: string;
  /** The provider's own id of this delivery, stable across its retries: the idempotency key. */
  deliveryKey: string;
  /** The parsed payload, for what ingest reads in it (filters, identifiers, delivery keys). */
  payload: unknown;
  /**
   * The payload's JSON text exactly as the sender wrote it (the request body, the `payload` form
   * field, one PagerDuty V2 message's own text): what is queued and what the agent receives, so big
   * integers, key order, spacing and escapes survive.
   */
  payloadText: string;
  retry?: { num: number; reason?: string };
}

export type ParseOutcome =
  | { kind: "events"; events: WebhookEvent[] }
  /** A handshake answered directly and not queued (Slack url_verification). */
  | { kind: "respond"; reason: string; body: unknown }
  /** Deliberately not queued (ping, ssl_check, bot messages). */
  | { kind: "ignore"; reason: string }
  | { kind: "invalid"; statusCode: 400 | 415; problem: string };

/**
 * One webhook sender. Pure: no AWS client in here. Adding a provider is adding one of these to
 * the registry; the handlers do not change.
 */
export interface Provider {
  name: ProviderName;
  /** The active secrets for this route (several during rotation). */
  loadSecrets(reader: SecretReader, route: RouteMatch): Promise<readonly string[]>;
  verify(req: WebhookRequest, secrets: readonly string[], now: Date): Verification;
  parse(req: WebhookRequest, route: RouteMatch): ParseOutcome;
  /** Every routing identifier found in one event's payload. */
  identifiers(payload: unknown): RoutingIdentifiers;
}
