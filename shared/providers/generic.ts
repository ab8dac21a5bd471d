import { verifyHexSignature } from "../crypto/hex-hmac-signature";
import { anySignatureMatches } from "../crypto/hmac";
import type { WebhookRequest } from "../http/webhook-request";
import { collectIdentifiers } from "../routing/identifiers";
import { bodyFormat, contentDeliveryKey, pick, readJsonBody, str } from "./body";
import type { ParseOutcome, Provider, Verification } from "./provider";
import { genericSourceSecrets } from "./secrets";

export const GENERIC_SIGNATURE = { header: "X-Webhook-Signature", prefix: "sha256=" } as const;

export class UnknownSourceError extends Error {
  constructor(readonly source: string) {
    super(`unknown generic source '${source}': add it to GENERIC_WEBHOOK_SECRETS`);
    this.name = "UnknownSourceError";
  }
}

/**
 * `X-Webhook-Signature: sha256=<hex>`, or `Authorization: Bearer <secret>` for senders that can
 * only add a static header (Coralogix). The signature wins when both are present.
 */
function verify(req: WebhookRequest, secrets: readonly string[]): Verification {
  if (req.headers["x-webhook-signature"] !== undefined) {
    return verifyHexSignature(GENERIC_SIGNATURE, req.headers, req.rawBody, secrets);
  }
  const authorization = req.headers.authorization;
  if (authorization === undefined) {
    return { ok: false, problem: "missing X-Webhook-Signature header (or Authorization: Bearer <token>)" };
  }
  const match = /^Bearer\s+(.+)$/i.exec(authorization.trim());
  if (!match) return { ok: false, problem: "Authorization must be Bearer <token>" };
  return anySignatureMatches(secrets, [match[1]!])
    ? { ok: true }
    : { ok: false, problem: "the bearer token is not one of this source's secrets" };
}

function parse(req: WebhookRequest): ParseOutcome {
  const format = bodyFormat(req, ["json"]);
  if (typeof format !== "string") return format;
  const body = readJsonBody(req);
  if (!body.ok) return body;
  const p = body.value;
  return {
    kind: "events",
    events: [
      {
        eventType: str(p.event_type) ?? str(p.type) ?? "generic",
        deliveryKey:
          str(req.headers["x-webhook-id"]) ??
          str(req.headers["idempotency-key"]) ??
          str(p.event_id) ??
          str(p.id) ??
          contentDeliveryKey(req.rawBody),
        payload: p,
        payloadText: body.text,
      },
    ],
  };
}

/** Any system that can sign a body or send a fixed token: one secret per source. */
export const generic: Provider = {
  name: "generic",
  async loadSecrets(reader, route) {
    const secrets = await genericSourceSecrets(reader, route.source ?? "");
    if (secrets === undefined) throw new UnknownSourceError(route.source ?? "");
    return secrets;
  },
  verify: (req, secrets) => verify(req, secrets),
  parse,
  identifiers: (payload) =>
    collectIdentifiers({
      service: [pick(payload, "service")],
      coralogix_team_name: [pick(payload, "coralogix_team_name"), pick(payload, "team_name")],
      incidentio_team_id: [pick(payload, "incidentio_team_id")],
      pagerduty_service_id: [pick(payload, "pagerduty_service_id")],
      slack_channel_id: [pick(payload, "slack_channel_id")],
      github_repo: [pick(payload, "github_repo")],
    }),
};
