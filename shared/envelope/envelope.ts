import * as z from "zod/mini";
import type { PayloadRef } from "../payloads/payload-ref";
import type { RouteMatch, WebhookEvent } from "../providers/provider";
import {
  type Envelope,
  type EnvelopeMeta,
  envelopeSchema,
  requestFieldsSchema,
  VERSIONS,
} from "./envelope-schema";
import {
  ENVELOPE_VERSION,
  LEGACY_ENVELOPE_VERSION,
  PAYLOAD_REF_ENVELOPE_VERSION,
  RAW_PAYLOAD_ENVELOPE_VERSION,
} from "./envelope-versions";
import { receivedAtText } from "./received-at-text";
import {
  escapeRefusedUnits,
  escapeRefusedUtf8,
  isSqsSafeJson,
  toSqsSafeJson,
  unescapeRefusedUnits,
} from "./sqs-safe-json";

export type { Envelope, EnvelopeMeta } from "./envelope-schema";

/** An envelope whose payload is stored apart (v2). */
export type PayloadRefEnvelope = Extract<Envelope, { v: typeof PAYLOAD_REF_ENVELOPE_VERSION }>;
/** An envelope that carries its payload (v4, v3, v1). */
export type InlineEnvelope = Exclude<Envelope, PayloadRefEnvelope>;
export {
  ENVELOPE_VERSION,
  LEGACY_ENVELOPE_VERSION,
  PAYLOAD_REF_ENVELOPE_VERSION,
  RAW_PAYLOAD_ENVELOPE_VERSION,
} from "./envelope-versions";

/** The request headers worth carrying to the router; signatures and tokens are never among them. */
export const FORWARDED_HEADERS = [
  "user-agent",
  "x-github-event",
  "x-github-hook-id",
  "x-github-hook-installation-target-id",
  "x-slack-retry-num",
  "x-slack-retry-reason",
  "x-atlassian-webhook-identifier",
] as const;

export interface EnvelopeContext {
  id: string;
  route: RouteMatch;
  receivedAt: Date;
  correlationId: string;
  headers: Readonly<Record<string, string>>;
}

/** The envelope metadata of one event; throws (a bug, never the sender's doing) when a field is unusable. */
export function envelopeMeta(event: WebhookEvent, ctx: EnvelopeContext): EnvelopeMeta {
  const headers: Record<string, string> = {};
  for (const name of FORWARDED_HEADERS) {
    const value = ctx.headers[name];
    if (value !== undefined) headers[name] = value;
  }
  const meta: EnvelopeMeta = {
    id: ctx.id,
    provider: ctx.route.provider,
    route: ctx.route.route,
    event_type: event.eventType,
    delivery_key: event.deliveryKey,
    received_at: receivedAtText(ctx.receivedAt),
    correlation_id: ctx.correlationId,
    headers,
  };
  if (ctx.route.source) meta.source = ctx.route.source;
  if (event.action) meta.action = event.action;
  if (event.retry) meta.retry = event.retry;
  if (event.identifiers && Object.keys(event.identifiers).length > 0) meta.identifiers = event.identifiers;
  // The types hold every field to its schema's type and ingest made the others itself; what they
  // cannot say is that a provider's event type and delivery key are not empty, nor what a retry
  // count or the identifiers found in a request hold. Only then is the schema run (a zod parse
  // costs about as much as the rest of the metadata): the router validates the whole envelope again.
  if (meta.event_type === "" || meta.delivery_key === "" || meta.retry || meta.identifiers) {
    requestFieldsSchema().parse(meta);
  }
  return meta;
}

/**
 * A v4 body: the payload's text first, as the value of `payload`, then `v` and the metadata. The
 * text is a JSON value, so the body is one JSON document; the metadata starts at the last
 * `,"v":4,` of the body, which nothing in it can hold unescaped but its own start.
 */
const PAYLOAD_HEAD = '{"payload":';
const META_HEAD = `,"v":${RAW_PAYLOAD_ENVELOPE_VERSION},`;

/** The v4 body's end: the metadata, and where the payload's escapes begin if it has any. */
function rawPayloadTail(meta: EnvelopeMeta, escapedAt?: readonly number[]): string {
  // Only the metadata can hold a refused character: tested as JSON.stringify made it, in one
  // piece, rather than after the ASCII around it is joined on (a test of a joined string copies it).
  const fields = toSqsSafeJson(JSON.stringify(meta)).slice(1, -1);
  const escapes = escapedAt ? `,"escaped_at":[${escapedAt.join(",")}]` : "";
  return `${META_HEAD}${fields}${escapes}}`;
}

/**
 * The SQS message body (v4) of an event whose payload is carried inline. `payloadBytes`, the
 * text's UTF-8 encoding when the caller has it (the request body), lets what must be escaped be
 * found by a few byte searches. The text must be JSON text (it was parsed), whose only control
 * characters, tab, line feed and carriage return, the queue takes.
 */
export function serialiseEnvelope(meta: EnvelopeMeta, payloadText: string, payloadBytes?: Buffer): string {
  // As many bytes as code units: ASCII only, which the queue takes.
  const ascii = payloadBytes?.length === payloadText.length;
  if (ascii || (!payloadBytes && isSqsSafeJson(payloadText))) {
    return `${PAYLOAD_HEAD}${payloadText}${rawPayloadTail(meta)}`;
  }
  const { escaped, escapedAt } = payloadBytes
    ? escapeRefusedUtf8(payloadText, payloadBytes)
    : escapeRefusedUnits(payloadText);
  return `${PAYLOAD_HEAD}${escaped}${rawPayloadTail(meta, escapedAt.length > 0 ? escapedAt : undefined)}`;
}

/** The SQS message body of an event whose payload is stored apart, at `ref`. */
export function serialiseRefEnvelope(meta: EnvelopeMeta, ref: PayloadRef): string {
  return toSqsSafeJson(JSON.stringify({ v: PAYLOAD_REF_ENVELOPE_VERSION, ...meta, payload_ref: ref }));
}

/**
 * The payload's JSON text when the envelope carries it (v4, v3, and v1 re-serialised: its exact text
 * was never kept), or undefined when it is stored apart (v2: read it at `payload_ref`).
 */
export function inlinePayloadText(envelope: InlineEnvelope): string;
export function inlinePayloadText(envelope: Envelope): string | undefined;
export function inlinePayloadText(envelope: Envelope): string | undefined {
  switch (envelope.v) {
    case RAW_PAYLOAD_ENVELOPE_VERSION:
    case ENVELOPE_VERSION:
      return envelope.payload_text;
    case LEGACY_ENVELOPE_VERSION:
      return JSON.stringify(envelope.payload);
    case PAYLOAD_REF_ENVELOPE_VERSION:
      return undefined;
  }
}

export type EnvelopeParse = { ok: true; envelope: Envelope } | { ok: false; problem: string };

/** A v4 body as the JSON object it stands for, its payload's exact text restored, or why it is not one. */
function rawPayloadEnvelope(body: string): { value: unknown } | { problem: string } {
  const metaStart = body.lastIndexOf(META_HEAD);
  if (metaStart < PAYLOAD_HEAD.length) return { problem: "a v4 envelope has no metadata after its payload" };
  const meta: unknown = JSON.parse(`{${body.slice(metaStart + 1)}`);
  if (typeof meta !== "object" || meta === null || Object.hasOwn(meta, "payload_text")) {
    return { problem: "a v4 envelope's metadata must not hold `payload_text`" };
  }
  const { escaped_at: escapedAt, ...rest } = meta as Record<string, unknown>;
  let text = body.slice(PAYLOAD_HEAD.length, metaStart);
  if (escapedAt !== undefined) {
    const restored = Array.isArray(escapedAt) ? unescapeRefusedUnits(text, escapedAt) : undefined;
    if (restored === undefined) {
      return {
        problem: "a v4 envelope's `escaped_at` must list, in order, where its payload's escapes begin",
      };
    }
    text = restored;
  }
  return { value: { ...rest, payload_text: text } };
}

/** Parses and validates an SQS message body; never throws. */
export function parseEnvelope(body: string): EnvelopeParse {
  let value: unknown;
  try {
    if (body.startsWith(PAYLOAD_HEAD)) {
      const raw = rawPayloadEnvelope(body);
      if ("problem" in raw) return { ok: false, problem: raw.problem };
      value = raw.value;
    } else {
      value = JSON.parse(body);
    }
  } catch (error) {
    return { ok: false, problem: `message body is not JSON: ${(error as Error).message}` };
  }
  const result = envelopeSchema().safeParse(value);
  if (!result.success) {
    return {
      ok: false,
      problem: `not a ${VERSIONS} envelope: ${z.prettifyError(result.error)}`,
    };
  }
  return { ok: true, envelope: result.data };
}
