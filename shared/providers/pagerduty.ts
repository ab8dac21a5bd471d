import { signHexHeader, verifyHexSignature } from "../crypto/hex-hmac-signature";
import type { WebhookRequest } from "../http/webhook-request";
import { collectIdentifiers } from "../routing/identifiers";
import { bodyFormat, contentDeliveryKey, isObject, pick, readJsonBody, str } from "./body";
import { arrayMemberTexts } from "./json-spans";
import type { ParseOutcome, Provider, SampleContext, WebhookEvent } from "./provider";
import { namedSecrets } from "./secrets";

export const PAGERDUTY_SIGNATURE = {
  header: "X-PagerDuty-Signature",
  prefix: "v1=",
  commaSeparated: true,
} as const;

/** V2 (`messages`) bodies are still sent by some accounts; `PAGERDUTY_ACCEPT_V2=false` refuses them. */
const acceptsV2 = () => (process.env.PAGERDUTY_ACCEPT_V2 ?? "true").toLowerCase() !== "false";

/** One event per V2 message, each carrying its own text of the body (`bodyText`) as its payload. */
function parseV2(messages: unknown[], bodyText: string): ParseOutcome {
  if (!acceptsV2()) {
    return {
      kind: "invalid",
      statusCode: 400,
      problem: "PagerDuty V2 bodies are disabled (PAGERDUTY_ACCEPT_V2=false): use a V3 webhook",
    };
  }
  if (messages.length === 0) return { kind: "ignore", reason: "PagerDuty V2 body with no messages" };
  if (!messages.every(isObject))
    return { kind: "invalid", statusCode: 400, problem: "every PagerDuty V2 message must be an object" };
  // The body parsed with a `messages` array, so the scan finds exactly one text per message.
  const texts = arrayMemberTexts(bodyText, "messages")!;
  const events = messages.map(
    (message, i): WebhookEvent => ({
      eventType: str(message.event) ?? "v2.message",
      // The message's own text: identical on an exact redelivery, whatever else the body holds.
      deliveryKey: str(message.id) ?? contentDeliveryKey(texts[i]!),
      payload: message,
      payloadText: texts[i]!,
    }),
  );
  return { kind: "events", events };
}

function parse(req: WebhookRequest): ParseOutcome {
  const format = bodyFormat(req, ["json"]);
  if (typeof format !== "string") return format;
  const body = readJsonBody(req);
  if (!body.ok) return body;
  const { event, messages } = body.value;
  if (Array.isArray(messages)) return parseV2(messages, body.text);
  if (!isObject(event)) {
    return {
      kind: "invalid",
      statusCode: 400,
      problem: "expected a PagerDuty V3 body with an `event` object (or a V2 body with `messages`)",
    };
  }
  return {
    kind: "events",
    events: [
      {
        eventType: str(event.event_type) ?? "unknown",
        deliveryKey: str(event.id) ?? str(req.headers["x-webhook-id"]) ?? contentDeliveryKey(req.rawBody),
        payload: body.value,
        payloadText: body.text,
      },
    ],
  };
}

const WEBHOOK_SECRET = {
  name: "PAGERDUTY_WEBHOOK_SECRET",
  description: "PagerDuty Generic Webhooks (v3) signing secret",
  development: "dev-pagerduty-webhook-secret",
} as const;

const sampleBody = ({ now, id }: SampleContext) =>
  JSON.stringify({
    event: {
      id: `01${id.replaceAll("-", "").slice(0, 24).toUpperCase()}`,
      event_type: "incident.triggered",
      resource_type: "incident",
      occurred_at: now.toISOString(),
      agent: null,
      client: null,
      data: {
        id: "Q0SAMPLE1",
        type: "incident",
        title: "Checkout error rate above 5%",
        status: "triggered",
        urgency: "high",
        service: { id: "PXXXXXX", type: "service_reference", summary: "checkout" },
      },
    },
  });

/** PagerDuty Generic Webhooks V3 (and V2 `messages` bodies). */
export const pagerduty: Provider<"pagerduty"> = {
  name: "pagerduty",
  title: "PagerDuty",
  routes: [
    {
      path: "/webhooks/pagerduty",
      title: "PagerDuty (V3; V2 `messages` accepted)",
      sample: {
        contentType: "application/json",
        body: sampleBody,
        headers: ({ id }) => ({ "x-webhook-id": id }),
      },
    },
  ],
  secret: WEBHOOK_SECRET,
  verification: "`X-PagerDuty-Signature` (`v1=`, comma-separated)",
  handshakes: [],
  loadSecrets: (reader) => namedSecrets(reader, WEBHOOK_SECRET.name),
  verify: (req, secrets) => verifyHexSignature(PAGERDUTY_SIGNATURE, req.headers, req.rawBody, secrets),
  sign: (secret, body) => signHexHeader(PAGERDUTY_SIGNATURE, secret, body),
  parse,
  identifiers: (payload) =>
    collectIdentifiers({
      // V3: event.data.service; V2 message: incident.service.
      pagerduty_service_id: [
        pick(payload, "event", "data", "service", "id"),
        pick(payload, "incident", "service", "id"),
      ],
      service: [
        pick(payload, "event", "data", "service", "summary"),
        pick(payload, "incident", "service", "summary"),
        pick(payload, "incident", "service", "name"),
      ],
    }),
};
