import { signHexHeader, verifyHexSignature } from "../crypto/hex-hmac-signature";
import { isJsonMediaType, mediaTypeOf } from "../http/media-type";
import type { WebhookRequest } from "../http/webhook-request";
import { contentDeliveryKey, parseJsonEvent, readJsonBody, str } from "./body";
import type { ParseOutcome, Provider, SampleContext, UnsignedHandshake } from "./provider";
import { namedSecrets } from "./secrets";

/** `X-Notion-Signature: sha256=<hex HMAC-SHA256(verification token, raw body)>`. */
export const NOTION_SIGNATURE = { header: "X-Notion-Signature", prefix: "sha256=" } as const;

/**
 * The verification request is `{"verification_token": "secret_…"}`: a few dozen bytes. Anything
 * larger, or with any other member, is not one and must pass verification like any event.
 */
const HANDSHAKE_MAX_BYTES = 1024;
export const VERIFICATION_TOKEN = /^secret_[A-Za-z0-9_-]{16,200}$/;

const WEBHOOK_SECRET = {
  name: "NOTION_WEBHOOK_SECRET",
  description:
    "Notion webhook subscription's verification token (secret_…), which signs its events: put what webhook-pipeline notion token prints",
  development: "secret_devNotionVerificationToken0001",
} as const;

function readVerificationToken(req: WebhookRequest): { token: string } | { problem: string } | undefined {
  if (req.headers[NOTION_SIGNATURE.header.toLowerCase()] !== undefined) return undefined;
  if (req.rawBody.length > HANDSHAKE_MAX_BYTES) return undefined;
  if (!isJsonMediaType(mediaTypeOf(req.headers["content-type"]))) return undefined;
  const body = readJsonBody(req);
  if (!body.ok) return undefined;
  const members = Object.keys(body.value);
  if (members.length !== 1 || members[0] !== "verification_token") return undefined;
  const token = body.value.verification_token;
  // The problem never quotes the value: whatever was sent may be a real token.
  return typeof token === "string" && VERIFICATION_TOKEN.test(token)
    ? { token }
    : { problem: "verification_token must be secret_ followed by 16 to 200 letters, digits, - or _" };
}

const verification: UnsignedHandshake = {
  title: "subscription verification (`verification_token`, unsigned)",
  store: {
    name: "NOTION_VERIFICATION_TOKEN",
    description:
      "The verification token Notion sent when the webhook subscription was created (written by the Notion ingest function; read it with webhook-pipeline notion token --stack)",
  },
  read: readVerificationToken,
};

function parse(req: WebhookRequest): ParseOutcome {
  return parseJsonEvent(req, (body) => ({
    eventType: str(body.type) ?? "unknown",
    // `id` is the event's, the same on each of Notion's retries (`attempt_number` counts them).
    deliveryKey: str(body.id) ?? contentDeliveryKey(req.rawBody),
  }));
}

const sampleBody = ({ now, id }: SampleContext) =>
  JSON.stringify({
    id,
    timestamp: now.toISOString(),
    workspace_id: "13950b26-c203-4f3b-b97d-93ec06319565",
    workspace_name: "Incident response",
    subscription_id: "29d75c0d-5546-4414-8459-7b7a92f1fc4b",
    integration_id: "0ef2e755-4912-8096-91c1-00376a88a5ca",
    type: "page.created",
    authors: [{ id: "c7c11cca-1d73-471d-9b6e-bdef51470190", type: "person" }],
    accessible_by: [{ id: "556a1abf-4f08-40c6-878a-75890d2a88ba", type: "bot" }],
    attempt_number: 1,
    entity: { id: "153104cd-477e-809d-8dc4-ff2d96ae3090", type: "page" },
    data: { parent: { id: "13950b26-c203-4f3b-b97d-93ec06319565", type: "space" } },
  });

/**
 * Notion integration webhooks. Events name a workspace and a page or database, which are no routing
 * identifier a team claims: they reach DEFAULT_TEAM, or are recorded unrouted without one.
 */
export const notion: Provider<"notion"> = {
  name: "notion",
  title: "Notion",
  routes: [
    {
      path: "/webhooks/notion",
      title: "Notion",
      sample: { contentType: "application/json", body: sampleBody },
    },
  ],
  secret: WEBHOOK_SECRET,
  verification: "`X-Notion-Signature: sha256=…` (keyed with the verification token)",
  handshakes: [],
  unsignedHandshake: verification,
  loadSecrets: (reader) => namedSecrets(reader, WEBHOOK_SECRET.name),
  verify: (req, secrets) => verifyHexSignature(NOTION_SIGNATURE, req.headers, req.rawBody, secrets),
  sign: (secret, body) => signHexHeader(NOTION_SIGNATURE, secret, body),
  parse,
  identifiers: () => ({}),
};
