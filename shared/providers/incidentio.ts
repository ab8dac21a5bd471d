import {
  standardWebhookHeader,
  standardWebhookHeaders,
  verifyStandardWebhook,
} from "../crypto/standard-webhooks";
import type { WebhookRequest } from "../http/webhook-request";
import { collectIdentifiers } from "../routing/identifiers";
import { bodyFormat, isObject, pick, readJsonBody, str } from "./body";
import type { ParseOutcome, Provider } from "./provider";
import { namedSecrets } from "./secrets";

function parse(req: WebhookRequest): ParseOutcome {
  const format = bodyFormat(req, ["json"]);
  if (typeof format !== "string") return format;
  const body = readJsonBody(req);
  if (!body.ok) return body;
  const eventType = str(body.value.event_type);
  if (!eventType) return { kind: "invalid", statusCode: 400, problem: "the body has no `event_type`" };
  return {
    kind: "events",
    // verify() has already required the id header.
    events: [
      {
        eventType,
        deliveryKey: standardWebhookHeader(req.headers, "id")!,
        payload: body.value,
        payloadText: body.text,
      },
    ],
  };
}

/** The event's data: incident.io nests it under a key named after the event type. */
function eventData(payload: unknown): unknown {
  const type = str(pick(payload, "event_type"));
  return (type && pick(payload, type)) ?? payload;
}

/** Catalog attribute values whose attribute name contains `word` (alerts carry team and service only this way). */
function catalogAttribute(data: unknown, word: RegExp, field: "id" | "name"): unknown[] {
  const attributes = pick(data, "attributes");
  if (!Array.isArray(attributes)) return [];
  return attributes
    .filter((a) => word.test(String(pick(a, "attribute", "name") ?? "")))
    .flatMap((a) => {
      const values = Array.isArray(pick(a, "array_value"))
        ? (pick(a, "array_value") as unknown[])
        : [pick(a, "value")];
      return values.map(
        (v) =>
          pick(v, "catalog_entry", field) ??
          (field === "name" ? (pick(v, "label") ?? pick(v, "literal")) : undefined),
      );
    });
}

function identifiers(payload: unknown) {
  const data = eventData(payload);
  const scopes = isObject(data) && data !== payload ? [data, payload] : [payload];
  const fromScopes = (...path: string[]) => scopes.map((s) => pick(s, ...path));
  return collectIdentifiers({
    incidentio_alert_source_id: [...fromScopes("alert_source_id"), ...fromScopes("alert_source_config_id")],
    incidentio_team_id: [...fromScopes("team_id"), ...catalogAttribute(data, /team/i, "id")],
    service: catalogAttribute(data, /service/i, "name"),
  });
}

const WEBHOOK_SECRET = {
  name: "INCIDENTIO_WEBHOOK_SECRET",
  description: "incident.io webhook signing secret (whsec_…)",
  development: `whsec_${Buffer.from("dev-incidentio-webhook-secret").toString("base64")}`,
} as const;

const SAMPLE_EVENT_TYPE = "private_incident.incident_created_v2";

const sampleBody = () =>
  JSON.stringify({
    event_type: SAMPLE_EVENT_TYPE,
    [SAMPLE_EVENT_TYPE]: {
      id: "01SAMPLEINCIDENT0000000001",
      alert_source_config_id: "01KEGMSPPCKFPYHT2ZSNQ7WY3J",
    },
  });

/** incident.io webhooks, delivered through Svix (Standard Webhooks). */
export const incidentio: Provider<"incidentio"> = {
  name: "incidentio",
  title: "incident.io",
  routes: [
    {
      path: "/webhooks/incidentio",
      title: "incident.io",
      sample: {
        contentType: "application/json",
        body: sampleBody,
        headers: ({ id }) => ({ "webhook-id": `msg_${id.replaceAll("-", "")}` }),
      },
    },
  ],
  secret: WEBHOOK_SECRET,
  verification: "Standard Webhooks (`webhook-*` or `svix-*`, ±5 min)",
  handshakes: [],
  loadSecrets: (reader) => namedSecrets(reader, WEBHOOK_SECRET.name),
  verify: (req, secrets, now) => verifyStandardWebhook(req.headers, req.rawBody, secrets, now),
  // The delivery id is the sample's own `webhook-id` header: it is part of what is signed.
  sign: (secret, body, headers, now) =>
    standardWebhookHeaders(secret, standardWebhookHeader(headers, "id") ?? "", body, now),
  parse,
  identifiers,
};
