import type { IngestConfig } from "../config/ingest-config";
import { envelopeMeta, serialiseEnvelope } from "../envelope/envelope";
import { envelopeAttributes } from "../envelope/message-attributes";
import type { WebhookRequest } from "../http/webhook-request";
import { UnknownSourceError } from "../providers/generic";
import type { ProviderName } from "../providers/provider";
import { matchRoute, PROVIDERS, WEBHOOK_ROUTES } from "../providers/registry";
import {
  type EventQueue,
  type QueueMessage,
  QueueUnavailableError,
  queueMessageBytes,
} from "../queue/event-queue";
import type { SecretReader } from "../secrets/secret-reader";

export type RejectionReason =
  | "unknown_route"
  | "method_not_allowed"
  | "too_large"
  | "bad_signature"
  | "unsupported_media_type"
  | "malformed";

/** What happened to one request; the handler turns it into the HTTP response, logs and metrics. */
export type IngestResult = {
  statusCode: number;
  body: unknown;
  provider?: ProviderName;
  headers?: Record<string, string>;
} & (
  | { outcome: "accepted"; events: { id: string; eventType: string; deliveryKey: string }[] }
  | { outcome: "ignored" | "handshake"; reason: string }
  | { outcome: "rejected"; reason: RejectionReason; problem: string }
  /** Our side failed (queue down, secret missing): 503 so the provider retries later. */
  | { outcome: "unavailable"; problem: string }
);

export interface IngestDeps {
  config: IngestConfig;
  queue: EventQueue;
  secrets: SecretReader;
  now?: () => Date;
  newId?: () => string;
}

const reject = (
  statusCode: number,
  reason: RejectionReason,
  problem: string,
  provider?: ProviderName,
): IngestResult => ({ statusCode, body: { error: problem }, outcome: "rejected", reason, problem, provider });

const unavailable = (problem: string, provider: ProviderName): IngestResult => ({
  statusCode: 503,
  body: { error: "the webhook receiver cannot take events right now; retry later" },
  headers: { "retry-after": "30" },
  outcome: "unavailable",
  problem,
  provider,
});

const KNOWN_PATHS = WEBHOOK_ROUTES.map((r) => r.path).join(", ");

/**
 * verify → handshake? → parse → envelope → queue. Nothing is acknowledged with 2xx unless it is on
 * the queue; nothing a caller can send makes this throw.
 */
export async function ingestWebhook(req: WebhookRequest, deps: IngestDeps): Promise<IngestResult> {
  const now = deps.now?.() ?? new Date();
  const route = matchRoute(req.path);
  if (!route || (deps.config.provider && deps.config.provider !== route.provider)) {
    return reject(404, "unknown_route", `no webhook route at ${req.path}; the routes are ${KNOWN_PATHS}`);
  }
  const provider = PROVIDERS[route.provider];
  if (req.method.toUpperCase() !== "POST") {
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

  let secrets: string[];
  try {
    secrets = await provider.loadSecrets(deps.secrets, route);
  } catch (error) {
    if (error instanceof UnknownSourceError)
      return reject(404, "unknown_route", error.message, provider.name);
    return unavailable(`cannot read the ${provider.name} secret: ${(error as Error).message}`, provider.name);
  }
  if (secrets.length === 0) return unavailable(`the ${provider.name} secret is empty`, provider.name);

  const verification = provider.verify(req, secrets, now);
  if (!verification.ok) return reject(401, "bad_signature", verification.problem, provider.name);

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
      return {
        statusCode: 200,
        body: { status: "ignored", reason: parsed.reason },
        outcome: "ignored",
        reason: parsed.reason,
        provider: provider.name,
      };
    case "respond":
      return {
        statusCode: 200,
        body: parsed.body,
        outcome: "handshake",
        reason: parsed.reason,
        provider: provider.name,
      };
  }

  const events = parsed.events.map((event) => {
    const meta = envelopeMeta(event, {
      id: deps.newId?.() ?? crypto.randomUUID(),
      route,
      receivedAt: req.receivedAt,
      correlationId: req.requestId,
      headers: req.headers,
    });
    const message: QueueMessage = {
      body: serialiseEnvelope(meta, event),
      attributes: envelopeAttributes(meta),
    };
    return { meta, message };
  });

  const oversize = events.find((e) => queueMessageBytes(e.message) > deps.config.maxMessageBytes);
  if (oversize) {
    return reject(
      413,
      "too_large",
      `the event does not fit in one queue message (limit ${deps.config.maxMessageBytes} bytes)`,
      provider.name,
    );
  }

  try {
    await deps.queue.send(events.map((e) => e.message));
  } catch (error) {
    if (error instanceof QueueUnavailableError) return unavailable(error.message, provider.name);
    throw error;
  }
  const ids = events.map((e) => e.meta.id);
  return {
    statusCode: 200,
    body: ids.length === 1 ? { status: "accepted", id: ids[0] } : { status: "accepted", id: ids[0], ids },
    outcome: "accepted",
    provider: provider.name,
    events: events.map((e) => ({
      id: e.meta.id,
      eventType: e.meta.event_type,
      deliveryKey: e.meta.delivery_key,
    })),
  };
}
