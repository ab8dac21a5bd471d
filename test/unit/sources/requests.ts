import { createHmac } from "node:crypto";
import type { WebhookRequest } from "../../../shared/http/webhook-request";

export interface RequestInit {
  source?: string;
  body?: string;
  /** Lower-case names, as fromApiGatewayEvent gives them. */
  headers?: Record<string, string>;
  query?: Record<string, string>;
  sourceIp?: string;
}

/** A generic source's request as the ingest domain sees it. */
export function sourceRequest(init: RequestInit = {}): WebhookRequest {
  const body = init.body ?? '{"event_type":"alert.fired","id":"a-1","service":"checkout"}';
  return {
    method: "POST",
    path: `/webhooks/generic/${init.source ?? "datadog"}`,
    headers: { "content-type": "application/json", ...init.headers },
    rawBody: Buffer.from(body, "utf8"),
    bodyText: body,
    requestId: "req-1",
    sourceIp: init.sourceIp ?? "203.0.113.7",
    query: init.query ?? {},
    receivedAt: new Date("2024-06-01T12:00:00.000Z"),
  };
}

/** HMAC-SHA256 of the body with node:crypto directly, not the code under test. */
export const hmac = (secret: string, body: string, encoding: "hex" | "base64" = "hex") =>
  createHmac("sha256", secret).update(body, "utf8").digest(encoding);

export const basic = (credentials: string) => `Basic ${Buffer.from(credentials, "utf8").toString("base64")}`;
