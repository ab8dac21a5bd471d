import type { WebhookRequest } from "../http/webhook-request";
import type { Verification } from "../providers/provider";
import { verifyBearer } from "./credential-schemes";
import type { SchemeConfig } from "./source-config";
import { verifyScheme } from "./verify-source";

const SIGNATURE: SchemeConfig = {
  scheme: "hmac-sha256",
  header: "x-webhook-signature",
  prefix: "sha256=",
  encoding: "hex",
};

/**
 * A source GENERIC_WEBHOOK_SOURCES does not list: `X-Webhook-Signature: sha256=<hex>`, or
 * `Authorization: Bearer <secret>` for senders that can only add a static header. The signature
 * wins when both are sent, so a bad signature is never rescued by a token.
 */
export function verifyUnlistedSource(req: WebhookRequest, secrets: readonly string[]): Verification {
  if (req.headers["x-webhook-signature"] !== undefined) return verifyScheme(SIGNATURE, req, secrets);
  if (req.headers.authorization === undefined) {
    return { ok: false, problem: "missing X-Webhook-Signature header (or Authorization: Bearer <token>)" };
  }
  return verifyBearer(req, secrets);
}
