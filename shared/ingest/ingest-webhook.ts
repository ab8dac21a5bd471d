import { randomUUID } from "node:crypto";
import type { RequestAudit } from "../audit/request-record";
import type { IngestConfig } from "../config/ingest-config";
import { envelopeMeta } from "../envelope/envelope";
import { filterEvents, filteredReason } from "../filters/filter-events";
import type { HealthCheck } from "../health/health-check";
import type { WebhookRequest } from "../http/webhook-request";
import type { PayloadStore } from "../payloads/payload-store";
import type { ProviderName, RouteMatch, WebhookEvent } from "../providers/provider";
import { matchRoute, PROVIDERS, WEBHOOK_ROUTES } from "../providers/registry";
import { type EventQueue, QueueUnavailableError } from "../queue/event-queue";
import type { SecretReader, SecretRefresh } from "../secrets/secret-reader";
import { AcceptedBody } from "./accepted-body";
import type { HandshakeTokens } from "./handshake-tokens";
import { type EnvelopedEvent, toQueueMessages } from "./queue-messages";
import { answerUnsignedHandshake } from "./unsigned-handshake";
import { verifyRequest } from "./verify-request";

export type RejectionReason =
  | "unknown_route"
  | "method_not_allowed"
  | "too_large"
  | "bad_signature"
  | "unsupported_media_type"
  | "malformed"
  | "rate_limited"
  | "forbidden_ip";

/** What happened to one request; the handler turns it into the HTTP response, logs and metrics. */
export type IngestResult = {
  statusCode: number;
  /** The JSON body; undefined for an empty one (Slack interactivity's acknowledgement). */
  body: unknown;
  provider?: ProviderName;
  headers?: Record<string, string>;
  /** Where the request was addressed, when it named a webhook route (for the audit trail). */
  route?: RouteMatch;
  /** What a request ingest did not queue was about, where it could be read (a filtered event). */
  eventType?: string;
  deliveryKey?: string;
} & (
  | {
      outcome: "accepted";
      events: { id: string; eventType: string; deliveryKey: string; payloadStored?: true }[];
      /** Events of the request that EVENT_FILTERS kept off the queue (PagerDuty V2 bodies hold several). */
      filtered?: number;
    }
  | { outcome: "ignored" | "handshake"; reason: string }
  | {
      outcome: "rejected";
      reason: RejectionReason;
      problem: string;
      /** What re-reading the secret found for a credential that matched none (logged, not answered). */
      secretReread?: SecretRefresh;
    }
  /** Our side failed (queue down, secret missing): 503 so the provider retries later. */
  | { outcome: "unavailable"; problem: string }
);

export interface IngestDeps {
  config: IngestConfig;
  queue: EventQueue;
  secrets: SecretReader;
  /** Where payloads too large for one queue message go; without it they are refused with 413. */
  payloads?: PayloadStore;
  /** Answers `GET /health` (the handler asks it); without it that path is an unknown route. */
  health?: HealthCheck;
  /** Keeps tokens of unsigned handshakes (Notion's verification); without it they are answered 503. */
  handshakeTokens?: HandshakeTokens;
  /** Where requests ingest answers itself are recorded (the handler writes them); none: logs only. */
  audit?: RequestAudit;
  now?: () => Date;
  newId?: () => string;
}

const reject = (
  statusCode: number,
  reason: RejectionReason,
  problem: string,
  provider?: ProviderName,
  secretReread?: SecretRefresh,
): IngestResult => ({
  statusCode,
  body: { error: problem },
  outcome: "rejected",
  reason,
  problem,
  provider,
  ...(secretReread ? { secretReread } : {}),
});

const unavailable = (problem: string, provider: ProviderName): IngestResult => ({
  statusCode: 503,
  body: { error: "the webhook receiver cannot take events right now; retry later" },
  headers: { "retry-after": "30" },
  outcome: "unavailable",
  problem,
  provider,
});

const KNOWN_PATHS = WEBHOOK_ROUTES.map((r) => r.path).join(", ");
const ROUTE_BY_PATH = new Map(WEBHOOK_ROUTES.map((r) => [r.path, r]));

const ignored = (reason: string, provider: ProviderName, about?: WebhookEvent): IngestResult => ({
  statusCode: 200,
  body: { status: "ignored", reason },
  outcome: "ignored",
  reason,
  provider,
  ...(about ? { eventType: about.eventType, deliveryKey: about.deliveryKey } : {}),
});

/**
 * The answer to one request, acknowledged as its route wants: what ingest took (accepted or
 * ignored) on a route acknowledged `empty` (Slack interactivity and slash commands) gets an empty
 * 200, as Bolt's `ack()` sends, since a body there is shown to the user or breaks a modal.
 */
export async function ingestWebhook(req: WebhookRequest, deps: IngestDeps): Promise<IngestResult> {
  const route = matchRoute(req.path);
  const result = await ingestRequest(req, route, deps);
  if (!route) return result;
  const taken = result.outcome === "accepted" || result.outcome === "ignored";
  const empty = taken && ROUTE_BY_PATH.get(route.route)?.acknowledgement === "empty";
  // The result is this request's own, just built: completed in place rather than copied.
  result.route = route;
  if (empty) result.body = undefined;
  return result;
}

/**
 * verify → handshake? → parse → filter → envelope → (payload store →) queue. Nothing is acknowledged
 * with 2xx unless it is on the queue; nothing a caller can send makes this throw.
 */
async function ingestRequest(
  req: WebhookRequest,
  route: RouteMatch | undefined,
  deps: IngestDeps,
): Promise<IngestResult> {
  const now = deps.now?.() ?? new Date();
  if (!route || (deps.config.provider && deps.config.provider !== route.provider)) {
    return reject(404, "unknown_route", `no webhook route at ${req.path}; the routes are ${KNOWN_PATHS}`);
  }
  const provider = PROVIDERS[route.provider];
  // API Gateway passes the method upper-cased: no new string for it then.
  if (req.method !== "POST" && req.method.toUpperCase() !== "POST") {
    return {
      ...reject(405, "method_not_allowed", `use POST for ${route.route}`, provider.name),
      headers: { allow: "POST" },
    };
  }
  if (req.rawBody.length > deps.config.maxBodyBytes) {
    return reject(
      413,
      "too_large",
      `body of ${req.rawBody.length} bytes exceeds the limit of ${deps.config.maxBodyBytes} bytes`,
      provider.name,
    );
  }

  // Before any secret is read: the handshake is unsigned, and comes before the operator can set one.
  const handshake =
    provider.unsignedHandshake && (await answerUnsignedHandshake(provider, req, deps.handshakeTokens, now));
  switch (handshake?.kind) {
    case "kept":
      return {
        statusCode: 200,
        body: { status: "verified" },
        outcome: "handshake",
        reason: handshake.reason,
        provider: provider.name,
      };
    case "invalid":
      return reject(400, "malformed", handshake.problem, provider.name);
    case "rate_limited":
      return {
        ...reject(429, "rate_limited", handshake.problem, provider.name),
        headers: { "retry-after": "60" },
      };
    case "unavailable":
      return unavailable(handshake.problem, provider.name);
  }

  const refusal = await verifyRequest(provider, req, route, deps.secrets, now);
  if (refusal) {
    return refusal.statusCode === 503
      ? unavailable(refusal.problem, provider.name)
      : reject(refusal.statusCode, refusal.reason, refusal.problem, provider.name, refusal.reread);
  }

  const parsed = provider.parse(req, route);
  switch (parsed.kind) {
    case "invalid":
      return reject(
        parsed.statusCode,
        parsed.statusCode === 415 ? "unsupported_media_type" : "malformed",
        parsed.problem,
        provider.name,
      );
    case "ignore":
      return ignored(parsed.reason, provider.name);
    case "respond":
      return {
        statusCode: 200,
        body: parsed.body,
        outcome: "handshake",
        reason: parsed.reason,
        provider: provider.name,
      };
  }

  const { forwarded, filtered } = filterEvents(deps.config.eventFilters?.[provider.name], parsed.events);
  if (forwarded.length === 0) {
    return ignored(
      filteredReason(provider.name, filtered),
      provider.name,
      filtered.length === 1 ? filtered[0] : undefined,
    );
  }

  const events = forwarded.map((event) => {
    const enveloped: EnvelopedEvent = {
      event,
      meta: envelopeMeta(event, {
        id: deps.newId?.() ?? randomUUID(),
        route,
        receivedAt: req.receivedAt,
        correlationId: req.requestId,
        headers: req.headers,
      }),
    };
    // The body itself is the payload of most webhooks: its bytes are already at hand.
    if (event.payloadText === req.bodyText) enveloped.payloadBytes = req.rawBody;
    return enveloped;
  });
  const messages = toQueueMessages(events, deps.config.maxMessageBytes, deps.payloads);
  const prepared = messages instanceof Promise ? await messages : messages;
  if (!prepared.ok) {
    return prepared.reason === "too_large"
      ? reject(413, "too_large", prepared.problem, provider.name)
      : unavailable(prepared.problem, provider.name);
  }

  try {
    await deps.queue.send(prepared.messages);
  } catch (error) {
    if (error instanceof QueueUnavailableError) return unavailable(error.message, provider.name);
    throw error;
  }
  const ids = events.map((e) => e.meta.id);
  return {
    statusCode: 200,
    body: new AcceptedBody(ids),
    outcome: "accepted",
    provider: provider.name,
    events: events.map((e, i) => {
      const queued: { id: string; eventType: string; deliveryKey: string; payloadStored?: true } = {
        id: e.meta.id,
        eventType: e.meta.event_type,
        deliveryKey: e.meta.delivery_key,
      };
      if (prepared.stored[i]) queued.payloadStored = true;
      return queued;
    }),
    ...(filtered.length > 0 ? { filtered: filtered.length } : {}),
  };
}
