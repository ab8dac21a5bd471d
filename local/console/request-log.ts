import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from "aws-lambda";
import { redactHeaders } from "./redact-headers";

/** One request as the local webhook API received and answered it (headers redacted, never the body). */
export interface ObservedRequest {
  correlation_id: string;
  received_at: string;
  method: string;
  /** The path without its query (a query-token source carries its token there). */
  path: string;
  /** `/webhooks/<provider>/…`'s provider segment. */
  provider?: string;
  status_code: number;
  headers: Record<string, string>;
  /** The events ingest queued for it (its answer's `id`/`ids`): listed `accepted` until the router records them. */
  event_ids: string[];
}

/** How many requests the console remembers: enough for a session of manual testing, bounded under a soak. */
const CAPACITY = 500;

function queuedIds(body: string | undefined): string[] {
  if (!body) return [];
  try {
    const answer = JSON.parse(body) as { status?: unknown; id?: unknown; ids?: unknown };
    if (answer.status !== "accepted") return [];
    if (Array.isArray(answer.ids)) return answer.ids.filter((id): id is string => typeof id === "string");
    return typeof answer.id === "string" ? [answer.id] : [];
  } catch {
    return [];
  }
}

/**
 * The local pipeline's memory of the requests its webhook API answered: what the events table does
 * not keep (a request's headers; that an event was accepted before the router recorded its outcome),
 * held in this process only, so it costs no table write. Oldest forgotten first.
 */
export class RequestLog {
  private readonly entries: ObservedRequest[] = [];

  constructor(private readonly capacity = CAPACITY) {}

  observe(event: APIGatewayProxyEventV2, result: APIGatewayProxyStructuredResultV2): void {
    const headers = (result.headers ?? {}) as Record<string, string | number | boolean>;
    const provider = /^\/webhooks\/([^/]+)/.exec(event.rawPath)?.[1];
    this.entries.push({
      correlation_id: String(headers["x-correlation-id"] ?? event.requestContext.requestId),
      received_at: new Date(event.requestContext.timeEpoch).toISOString(),
      method: event.requestContext.http.method,
      path: event.rawPath,
      ...(provider ? { provider } : {}),
      status_code: result.statusCode ?? 200,
      headers: redactHeaders(event.headers),
      event_ids: queuedIds(result.body),
    });
    if (this.entries.length > this.capacity) this.entries.splice(0, this.entries.length - this.capacity);
  }

  /** Newest first. */
  recent(): ObservedRequest[] {
    return [...this.entries].reverse();
  }

  /** The request that carried this event (by its id) or this audit record (`request:<correlation id>`). */
  find(eventId: string, correlationId?: string): ObservedRequest | undefined {
    return this.entries.findLast(
      (e) =>
        e.event_ids.includes(eventId) || (correlationId !== undefined && e.correlation_id === correlationId),
    );
  }
}
