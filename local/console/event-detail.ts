import { type Envelope, inlinePayloadText, parseEnvelope } from "../../shared/envelope/envelope";
import { BODY_KEPT_FOR, storedBody } from "../../shared/events/event-item";
import type { EventStatus } from "../../shared/events/event-outcome";
import { claimRefsOf } from "../../shared/routing/claims";
import type { RoutingIdentifiers } from "../../shared/routing/identifiers";
import { type Candidate, rankCandidates } from "../../shared/routing/resolve-team";
import type { RouterAttempt } from "./attempt-log";
import type { ConsoleDeps } from "./console-deps";
import { redactHeaders } from "./redact-headers";
import type { ObservedRequest } from "./request-log";
import { isRequestRecord } from "./request-record-id";

/** The payload as the detail view can show it: its exact text when the table kept it, else why not. */
export type PayloadView =
  | { kept: true; text: string; bytes: number }
  | { kept: false; why: string; bytes?: number };

export interface EventDetail {
  /** The events-table record, without the stored body (see `payload`). */
  record: Record<string, unknown>;
  /** The request as this local pipeline's API received it (headers redacted), while it remembers it. */
  request?: ObservedRequest;
  /** The envelope's metadata (its forwarded headers redacted), when the body was kept. */
  envelope?: Record<string, unknown>;
  payload: PayloadView;
  routing: {
    /** Every identifier found, in priority order, with the team that claims it in the routing table now. */
    candidates: Candidate[];
    matched_by?: string;
    team?: string;
  };
  attempts: {
    count?: number;
    agent_status?: number;
    last_error?: string;
    /** Each attempt as the router's lines in this process told it, oldest first. */
    history: RouterAttempt[];
    note: string;
  };
}

function whyNoBody(item: Record<string, unknown>): string {
  const status = item.status as EventStatus;
  if (isRequestRecord(String(item.event_id))) {
    return "never kept for a request ingest answered itself: its content is not trusted, and may be an attacker's";
  }
  if (status === "delivered") return "body not kept for delivered events (the agent has it)";
  if (BODY_KEPT_FOR.includes(status)) return "not stored: too large for the events table";
  return `body not kept for ${status} events (only for ${BODY_KEPT_FOR.join(", ")} ones)`;
}

function payloadOf(envelope: Envelope): PayloadView {
  const text = inlinePayloadText(envelope);
  if (text !== undefined) return { kept: true, text, bytes: Buffer.byteLength(text, "utf8") };
  const ref = (envelope as { payload_ref?: { bucket: string; key: string; bytes: number } }).payload_ref;
  return {
    kept: false,
    why: ref ? `stored apart in S3 at s3://${ref.bucket}/${ref.key}` : "the envelope holds no payload",
    ...(ref ? { bytes: ref.bytes } : {}),
  };
}

/** The envelope without its payload, its headers redacted (they never hold a signature, but show none). */
function envelopeMeta(envelope: Envelope): Record<string, unknown> {
  const {
    payload_text: _text,
    payload: _payload,
    ...meta
  } = envelope as Envelope & {
    payload_text?: unknown;
    payload?: unknown;
  };
  const headers = (meta as { headers?: Record<string, string> }).headers;
  return headers ? { ...meta, headers: redactHeaders(headers) } : meta;
}

/** An event ingest queued whose outcome the router has not recorded yet: what the request log holds. */
function acceptedDetail(deps: ConsoleDeps, eventId: string): EventDetail | undefined {
  const request = deps.requests.find(eventId);
  if (!request) return undefined;
  return {
    record: {
      event_id: eventId,
      status: "accepted",
      ...(request.provider ? { provider: request.provider } : {}),
      received_at: request.received_at,
      correlation_id: request.correlation_id,
    },
    request,
    payload: { kept: false, why: "on the queue: the router has not recorded an outcome yet" },
    routing: { candidates: [] },
    attempts: { history: deps.attempts.of(eventId), note: "no outcome recorded yet" },
  };
}

/**
 * Everything the console knows about one event: its record (read as `events show` reads it), its
 * payload where the table kept it, the routing decision explained against today's routing table, and
 * the request's headers when this process saw it. Undefined when there is no such event.
 */
export async function eventDetail(deps: ConsoleDeps, eventId: string): Promise<EventDetail | undefined> {
  const item = await deps.events.get(eventId);
  if (!item) return acceptedDetail(deps, eventId);
  const { body: _body, body_gzip: _gzip, ...record } = item;
  const body = storedBody(item);
  const parsed = body === undefined ? undefined : parseEnvelope(body);
  const identifiers = (
    item.identifiers && typeof item.identifiers === "object" ? item.identifiers : {}
  ) as RoutingIdentifiers;
  const refs = claimRefsOf(identifiers);
  const claims = refs.length > 0 ? await deps.routing.getClaims(refs) : [];
  const request = deps.requests.find(
    eventId,
    typeof item.correlation_id === "string" ? item.correlation_id : undefined,
  );
  const history = deps.attempts.of(eventId);
  const payload: PayloadView =
    body === undefined
      ? {
          kept: false,
          why: whyNoBody(item),
          ...(typeof item.body_bytes === "number" ? { bytes: item.body_bytes } : {}),
        }
      : parsed?.ok
        ? payloadOf(parsed.envelope)
        : {
            kept: false,
            why: `the stored body is not a valid envelope: ${parsed?.ok === false ? parsed.problem : ""}`,
          };
  return {
    record,
    ...(request ? { request } : {}),
    ...(parsed?.ok ? { envelope: envelopeMeta(parsed.envelope) } : {}),
    payload,
    routing: {
      candidates: rankCandidates(identifiers, claims),
      ...(typeof item.matched_by === "string" ? { matched_by: item.matched_by } : {}),
      ...(item.org_id && item.team_node_id ? { team: `${item.org_id}/${item.team_node_id}` } : {}),
    },
    attempts: {
      ...(typeof item.attempts === "number" ? { count: item.attempts } : {}),
      ...(typeof item.agent_status === "number" ? { agent_status: item.agent_status } : {}),
      ...(typeof item.last_error === "string" ? { last_error: item.last_error } : {}),
      history,
      note:
        history.length > 0
          ? "each attempt as the router logged it in this process; the events table keeps only the last answer"
          : "the events table keeps the number of attempts and the last answer; this process did not see the router's lines for it (they are kept from npm start on)",
    },
  };
}
