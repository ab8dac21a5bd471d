import type { WebhookRequest } from "../http/webhook-request";
import type { IngestResult } from "../ingest/ingest-webhook";
import type { RequestRecord } from "./request-record";

/**
 * The audit record of a request ingest answered itself, or undefined for one it queued (its events
 * get router outcomes), one it could not take (503: the sender retries, and the metrics count it),
 * and a path that names no webhook route (a scanner's probe is not a webhook).
 */
export function requestRecordOf(request: WebhookRequest, result: IngestResult): RequestRecord | undefined {
  if (result.outcome === "accepted" || result.outcome === "unavailable" || !result.route) return undefined;
  const userAgent = request.headers["user-agent"];
  return {
    status: result.outcome,
    reason: result.reason,
    status_code: result.statusCode,
    ...(result.provider ? { provider: result.provider } : {}),
    ...(result.route.source ? { source: result.route.source } : {}),
    route: result.route.route,
    ...(result.eventType ? { event_type: result.eventType } : {}),
    ...(result.deliveryKey ? { delivery_key: result.deliveryKey } : {}),
    ...(request.sourceIp ? { source_ip: request.sourceIp } : {}),
    ...(userAgent ? { user_agent: userAgent } : {}),
    correlation_id: request.requestId,
    received_at: request.receivedAt.toISOString(),
  };
}
