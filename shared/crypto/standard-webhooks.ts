import type { Verification } from "../providers/provider";
import { anySignatureMatches, hmacSha256 } from "./hmac";
import { checkSignedTimestamp } from "./timestamp";

/**
 * Standard Webhooks (https://www.standardwebhooks.com), as sent by Svix for incident.io and as
 * the router signs its calls to the agent: `v1,<base64 HMAC-SHA256(key, "<id>.<timestamp>.<body>")>`.
 */

const SECRET_PREFIX = "whsec_";

/** What a Standard Webhooks secret must be, for the errors that refuse one. */
export const STANDARD_WEBHOOKS_SECRET_RULE = "after whsec_ it must be base64 of at least 1 byte";

/**
 * `whsec_<base64>` → the decoded key bytes (a secret without the prefix is base64 too), or undefined
 * when it holds no key. Node's decoder skips whatever is not base64, so the README's `whsec_…` would
 * decode to an empty key that anyone can sign with: only the key's exact (padded) encoding counts.
 */
export function decodeStandardWebhooksKey(secret: string): Buffer | undefined {
  const encoded = secret.startsWith(SECRET_PREFIX) ? secret.slice(SECRET_PREFIX.length) : secret;
  const key = Buffer.from(encoded, "base64");
  return key.length > 0 && key.toString("base64") === encoded ? key : undefined;
}

/** The key bytes of a Standard Webhooks secret; throws (never quoting it) when it holds no key. */
export function standardWebhooksKey(secret: string): Buffer {
  const key = decodeStandardWebhooksKey(secret);
  if (!key) throw new Error(`not a usable Standard Webhooks secret: ${STANDARD_WEBHOOKS_SECRET_RULE}`);
  return key;
}

export function signStandardWebhook(
  secret: string,
  id: string,
  timestamp: number | string,
  body: string | Buffer,
): string {
  const digest = hmacSha256(standardWebhooksKey(secret), `${id}.${timestamp}.`, body).toString("base64");
  return `v1,${digest}`;
}

/** The headers a Standard Webhooks sender sets. */
export function standardWebhookHeaders(secret: string, id: string, body: string, now = new Date()) {
  const timestamp = Math.floor(now.getTime() / 1000);
  return {
    "webhook-id": id,
    "webhook-timestamp": String(timestamp),
    "webhook-signature": signStandardWebhook(secret, id, timestamp, body),
  };
}

/** The `webhook-*` header, or its `svix-*` alias. */
export function standardWebhookHeader(
  headers: Readonly<Record<string, string>>,
  name: "id" | "timestamp" | "signature",
): string | undefined {
  return headers[`webhook-${name}`] ?? headers[`svix-${name}`];
}

export function verifyStandardWebhook(
  headers: Readonly<Record<string, string>>,
  rawBody: Buffer,
  secrets: readonly string[],
  now: Date,
): Verification {
  const id = standardWebhookHeader(headers, "id");
  const timestamp = standardWebhookHeader(headers, "timestamp");
  const signature = standardWebhookHeader(headers, "signature");
  if (!id) return { ok: false, problem: "missing webhook-id (or svix-id) header" };
  if (!timestamp) return { ok: false, problem: "missing webhook-timestamp (or svix-timestamp) header" };
  if (!signature) return { ok: false, problem: "missing webhook-signature (or svix-signature) header" };
  const time = checkSignedTimestamp(timestamp, "webhook-timestamp", now);
  if (!time.ok) return { ok: false, problem: time.problem };
  const received = signature
    .split(" ")
    .filter((s) => s.startsWith("v1,"))
    .map((s) => s.trim());
  if (received.length === 0) {
    return { ok: false, problem: "webhook-signature must hold space-separated v1,<base64> signatures" };
  }
  const expected = secrets.map((secret) => signStandardWebhook(secret, id, timestamp.trim(), rawBody));
  return anySignatureMatches(expected, received)
    ? { ok: true }
    : {
        ok: false,
        problem: "webhook-signature does not match the body signed with the configured secret",
        mismatch: true,
      };
}
