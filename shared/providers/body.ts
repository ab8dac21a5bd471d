import { isUtf8 } from "node:buffer";
import { createHash } from "node:crypto";
import { FORM_MEDIA_TYPE, isJsonMediaType, mediaTypeOf } from "../http/media-type";
import type { WebhookRequest } from "../http/webhook-request";
import { objectMemberSpans } from "./json-member-spans";
import type { ParseOutcome, WebhookEvent } from "./provider";

type Invalid = Extract<ParseOutcome, { kind: "invalid" }>;
export type BodyRead<T> = { ok: true; value: T; text: string } | ({ ok: false } & Invalid);

export type BodyFormat = "json" | "form";

const invalid = (statusCode: 400 | 415, problem: string): { ok: false } & Invalid => ({
  ok: false,
  kind: "invalid",
  statusCode,
  problem,
});

/** The body's format from its Content-Type, or a 415 naming what the route accepts. */
export function bodyFormat(req: WebhookRequest, accepted: readonly BodyFormat[]): BodyFormat | Invalid {
  const mediaType = mediaTypeOf(req.headers["content-type"]);
  if (accepted.includes("json") && isJsonMediaType(mediaType)) return "json";
  if (accepted.includes("form") && mediaType === FORM_MEDIA_TYPE) return "form";
  const expected = accepted.map((f) => (f === "json" ? "application/json" : FORM_MEDIA_TYPE)).join(" or ");
  return {
    kind: "invalid",
    statusCode: 415,
    problem: mediaType
      ? `unsupported Content-Type ${mediaType}: send ${expected}`
      : `the Content-Type header is missing: send ${expected}`,
  };
}

export function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** Parses JSON text that must hold an object. */
export function readJsonObject(text: string, what = "the request body"): BodyRead<Record<string, unknown>> {
  if (text.trim() === "") return invalid(400, `${what} is empty: expected a JSON object`);
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    // V8's message quotes the body; only the position goes back to the caller and into the logs.
    const position = /position (\d+)/.exec((error as Error).message)?.[1];
    return invalid(
      400,
      `${what} is not valid JSON${position ? ` (syntax error at character ${position})` : ""}`,
    );
  }
  if (!isObject(value)) return invalid(400, `${what} must be a JSON object`);
  return { ok: true, value, text };
}

/** The body as UTF-8 text: the bytes the sender signed, decoded once. */
export const bodyText = (req: WebhookRequest): string => req.bodyText ?? req.rawBody.toString("utf8");

/**
 * A JSON body that must hold an object. Bytes that are not UTF-8 are refused rather than decoded
 * with replacement characters: the text queued for the agent would no longer be the bytes signed.
 */
export function readJsonBody(req: WebhookRequest): BodyRead<Record<string, unknown>> {
  return notUtf8(req) ?? readJsonObject(bodyText(req));
}

// Text the transport already had is well-formed, so its UTF-8 encoding is the raw body.
const notUtf8 = (req: WebhookRequest) =>
  req.bodyText === undefined && !isUtf8(req.rawBody)
    ? invalid(400, "the request body is not valid UTF-8: JSON must be sent as UTF-8")
    : undefined;

/**
 * A JSON body that must hold an object, checked as readJsonBody checks it but not parsed: only the
 * values of its top-level members `names` are (each undefined when absent). For a provider that
 * reads a member or two at ingest and forwards the body verbatim, at about half a parse's cost.
 * A body the check refuses is parsed after all, so the 400 says what JSON.parse says is wrong.
 */
export function readJsonBodyMembers(req: WebhookRequest, names: readonly string[]): BodyRead<unknown[]> {
  const refused = notUtf8(req);
  if (refused) return refused;
  const text = bodyText(req);
  const spans = objectMemberSpans(req.rawBody, names);
  if (spans) {
    const values = spans.map(
      (span) => span && JSON.parse(req.rawBody.toString("utf8", span.start, span.end)),
    );
    return { ok: true, value: values, text };
  }
  const body = readJsonObject(text);
  // Should the check ever refuse what JSON.parse takes, JSON.parse's answer stands.
  return body.ok ? { ok: true, value: names.map((name) => body.value[name]), text } : body;
}

/**
 * An event whose payload is parsed from its text only when something at ingest reads it (an
 * EVENT_FILTERS rule's `label` or `where`), once: a provider whose body was checked with
 * readJsonBodyMembers then never parses it when no filter looks inside.
 */
export function withPayloadParsedOnRead(event: Omit<WebhookEvent, "payload">): WebhookEvent {
  return {
    ...event,
    get payload(): unknown {
      const payload: unknown = JSON.parse(this.payloadText);
      Object.defineProperty(this, "payload", { value: payload, enumerable: true, writable: true });
      return payload;
    },
  };
}

/**
 * The parse of a provider whose request is one JSON object and one event: the media type and body
 * checked, then the provider says where its event type and delivery key are.
 */
export function parseJsonEvent(
  req: WebhookRequest,
  fields: (body: Record<string, unknown>) => { eventType: string; deliveryKey: string },
): ParseOutcome {
  const format = bodyFormat(req, ["json"]);
  if (typeof format !== "string") return format;
  const body = readJsonBody(req);
  if (!body.ok) return body;
  return { kind: "events", events: [{ ...fields(body.value), payload: body.value, payloadText: body.text }] };
}

/** Form fields as an object (a repeated field keeps its last value). */
export function readForm(req: WebhookRequest): Record<string, string> {
  return Object.fromEntries(new URLSearchParams(bodyText(req)));
}

/** `payload=<json>` form bodies (Slack interactions, GitHub's form content type). */
export function readFormPayloadField(fields: Record<string, string>): BodyRead<Record<string, unknown>> {
  const payload = fields.payload;
  if (payload === undefined) return invalid(400, "the form body has no `payload` field");
  return readJsonObject(payload, "the form field `payload`");
}

/** A delivery key for senders that give none: the body's hash, identical on an exact redelivery. */
export function contentDeliveryKey(rawBody: Buffer | string): string {
  return `sha256:${createHash("sha256").update(rawBody).digest("hex")}`;
}

/** The value at a path of nested objects and arrays (`"0"` indexes an array), or undefined. */
export function pick(value: unknown, ...path: string[]): unknown {
  let current = value;
  for (const key of path) {
    if (typeof current !== "object" || current === null) return undefined;
    current = (current as Record<string, unknown>)[key];
  }
  return current;
}

export const str = (value: unknown): string | undefined =>
  typeof value === "string" && value !== "" ? value : undefined;
