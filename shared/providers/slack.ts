import { anyDigestMatches, hmacSha256, sha256HexDigest } from "../crypto/hmac";
import { checkSignedTimestamp } from "../crypto/timestamp";
import { FORM_MEDIA_TYPE } from "../http/media-type";
import type { WebhookRequest } from "../http/webhook-request";
import { collectIdentifiers } from "../routing/identifiers";
import {
  bodyFormat,
  contentDeliveryKey,
  isObject,
  pick,
  readForm,
  readFormPayloadField,
  readJsonBody,
  str,
} from "./body";
import type { ParseOutcome, Provider, SampleContext, Verification, WebhookEvent } from "./provider";
import { namedSecrets } from "./secrets";

/** `v0=` + hex HMAC-SHA256(signing secret, `v0:<timestamp>:<raw body>`). */
export function signSlack(secret: string, timestamp: number | string, rawBody: Buffer | string): string {
  return `v0=${hmacSha256(secret, `v0:${timestamp}:`, rawBody).toString("hex")}`;
}

function verify(req: WebhookRequest, secrets: readonly string[], now: Date): Verification {
  const signature = req.headers["x-slack-signature"];
  const timestamp = req.headers["x-slack-request-timestamp"];
  if (!signature) return { ok: false, problem: "missing X-Slack-Signature header" };
  if (!timestamp) return { ok: false, problem: "missing X-Slack-Request-Timestamp header" };
  const time = checkSignedTimestamp(timestamp, "X-Slack-Request-Timestamp", now);
  if (!time.ok) return { ok: false, problem: time.problem };
  if (!signature.startsWith("v0="))
    return { ok: false, problem: "X-Slack-Signature must look like v0=<hex>" };
  // The digests compared as bytes: no hex encoding of each expected MAC.
  const received = sha256HexDigest(signature.trim().slice("v0=".length));
  const signed = `v0:${timestamp.trim()}:`;
  const expected = secrets.map((secret) => hmacSha256(secret, signed, req.rawBody));
  return received && anyDigestMatches(expected, [received])
    ? { ok: true }
    : {
        ok: false,
        problem: "X-Slack-Signature does not match the body signed with the configured signing secret",
        // A digest that is not 64 hex digits matches no secret, however fresh.
        ...(received ? { mismatch: true } : {}),
      };
}

function retryOf(req: WebhookRequest): WebhookEvent["retry"] {
  const num = req.headers["x-slack-retry-num"];
  // Slack retries a few times; a longer number is not a retry count (and beyond 2^53 would fail the
  // envelope's integer check, turning a caller's header into a 500).
  if (num === undefined || !/^\d{1,6}$/.test(num.trim())) return undefined;
  const reason = req.headers["x-slack-retry-reason"];
  return reason ? { num: Number(num), reason } : { num: Number(num) };
}

/** Events the bot itself produced: forwarding them would loop the agent's own replies back to it. */
function isBotMessage(event: unknown): boolean {
  return str(pick(event, "bot_id")) !== undefined || pick(event, "subtype") === "bot_message";
}

function parseEventsApi(req: WebhookRequest): ParseOutcome {
  const body = readJsonBody(req);
  if (!body.ok) return body;
  const payload = body.value;
  switch (payload.type) {
    case "url_verification":
      return { kind: "respond", reason: "slack url_verification", body: { challenge: payload.challenge } };
    case "event_callback": {
      if (!isObject(payload.event))
        return { kind: "invalid", statusCode: 400, problem: "event_callback has no `event` object" };
      if (isBotMessage(payload.event)) return { kind: "ignore", reason: "message from a bot" };
      const event: WebhookEvent = {
        eventType: str(payload.event.type) ?? "event_callback",
        deliveryKey: str(payload.event_id) ?? contentDeliveryKey(req.rawBody),
        payload,
        payloadText: body.text,
      };
      const retry = retryOf(req);
      return { kind: "events", events: [retry ? { ...event, retry } : event] };
    }
    default:
      return { kind: "ignore", reason: `slack callback type ${String(payload.type)} is not an event` };
  }
}

/** Interactions (`payload` field holding JSON) and slash commands (top-level fields). */
function parseForm(req: WebhookRequest): ParseOutcome {
  const fields = readForm(req);
  if (fields.ssl_check === "1") return { kind: "ignore", reason: "slack ssl_check" };
  const retry = retryOf(req);
  if (fields.payload !== undefined) {
    const body = readFormPayloadField(fields);
    if (!body.ok) return body;
    const p = body.value;
    const deliveryKey =
      str(p.trigger_id) ??
      str(pick(p, "actions", "0", "action_ts")) ??
      str(pick(p, "container", "message_ts")) ??
      contentDeliveryKey(req.rawBody);
    const event: WebhookEvent = {
      eventType: str(p.type) ?? "interaction",
      deliveryKey,
      payload: p,
      payloadText: body.text,
    };
    return { kind: "events", events: [retry ? { ...event, retry } : event] };
  }
  if (fields.command !== undefined) {
    const deliveryKey = str(fields.trigger_id) ?? contentDeliveryKey(req.rawBody);
    // A slash command is plain form fields: no JSON was sent, so their JSON is the payload's text.
    const event: WebhookEvent = {
      eventType: "slash_command",
      deliveryKey,
      payload: fields,
      payloadText: JSON.stringify(fields),
    };
    return { kind: "events", events: [retry ? { ...event, retry } : event] };
  }
  return {
    kind: "invalid",
    statusCode: 400,
    problem: "form body has neither a `payload` field (interaction) nor a `command` field (slash command)",
  };
}

function identifiers(payload: unknown) {
  return collectIdentifiers({
    slack_channel_id: [
      pick(payload, "event", "channel"),
      pick(payload, "event", "channel_id"),
      pick(payload, "event", "item", "channel"),
      pick(payload, "channel", "id"),
      pick(payload, "container", "channel_id"),
      pick(payload, "channel_id"),
    ],
  });
}

const SIGNING_SECRET = {
  name: "SLACK_SIGNING_SECRET",
  description: "Slack app signing secret (Basic Information → App Credentials)",
  development: "dev-slack-signing-secret",
} as const;

/** The channel of seed 000's samples: the demo team claims it. */
const SAMPLE_CHANNEL = "C0A4967KRBM";

const eventsSample = ({ now, id, channel = SAMPLE_CHANNEL }: SampleContext) => {
  const epoch = Math.floor(now.getTime() / 1000);
  return JSON.stringify({
    token: "unused-verification-token",
    team_id: "T0SAMPLE1",
    api_app_id: "A0SAMPLE1",
    type: "event_callback",
    event_id: `Ev${id.replaceAll("-", "").slice(0, 10).toUpperCase()}`,
    event_time: epoch,
    event: {
      type: "app_mention",
      user: "U0SAMPLE1",
      text: "<@U0BOT> investigate the error spike on checkout",
      ts: `${epoch}.000100`,
      channel,
      event_ts: `${epoch}.000100`,
    },
  });
};

const interactionSample = ({ now, id, channel = SAMPLE_CHANNEL }: SampleContext) => {
  const epoch = Math.floor(now.getTime() / 1000);
  const payload = {
    type: "block_actions",
    trigger_id: `${epoch}.sample.${id.slice(0, 8)}`,
    user: { id: "U0SAMPLE1" },
    channel: { id: channel },
    container: { type: "message", channel_id: channel, message_ts: `${epoch}.000100` },
    actions: [{ action_id: "ack", action_ts: `${epoch}.000200`, type: "button", value: "ack" }],
  };
  return `payload=${encodeURIComponent(JSON.stringify(payload))}`;
};

/**
 * Slack Events API, interactivity and slash commands. Either Slack route takes either body: JSON is
 * the Events API, form-encoded is an interaction or a slash command, so one Request URL can serve all.
 */
export const slack: Provider<"slack"> = {
  name: "slack",
  title: "Slack",
  routes: [
    {
      path: "/webhooks/slack/events",
      title: "Slack Events API",
      sample: { contentType: "application/json", body: eventsSample },
    },
    {
      path: "/webhooks/slack/interactions",
      title: "Slack interactivity and slash commands",
      acknowledgement: "empty",
      sample: { contentType: FORM_MEDIA_TYPE, body: interactionSample },
    },
  ],
  secret: SIGNING_SECRET,
  verification: "`X-Slack-Signature` (v0, ±5 min)",
  handshakes: ["`url_verification` (answered with its challenge)", "`ssl_check`", "the bot's own messages"],
  loadSecrets: (reader) => namedSecrets(reader, SIGNING_SECRET.name),
  verify,
  sign(secret, body, _headers, now) {
    const timestamp = Math.floor(now.getTime() / 1000);
    return {
      "x-slack-request-timestamp": String(timestamp),
      "x-slack-signature": signSlack(secret, timestamp, body),
    };
  },
  parse(req) {
    const format = bodyFormat(req, ["json", "form"]);
    if (typeof format !== "string") return format;
    return format === "json" ? parseEventsApi(req) : parseForm(req);
  },
  identifiers,
};
