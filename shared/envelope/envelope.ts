// zod/mini: the same validation with a tree-shakable API, so the ingest bundle stays small.
import * as z from "zod/mini";
import { type PayloadRef, PayloadRefSchema } from "../payloads/payload-ref";
import { PROVIDER_NAMES, type RouteMatch, type WebhookEvent } from "../providers/provider";
import { toSqsSafeJson } from "./sqs-safe-json";

/** v1: the payload is in the envelope. */
export const ENVELOPE_VERSION = 1;
/**
 * v2: the payload was too large for one queue message and is in the payload bucket; `payload_ref`
 * points at it and `payload` is absent. A router that knows only v1 refuses such a message as a
 * whole instead of delivering an event without its payload.
 */
export const PAYLOAD_REF_ENVELOPE_VERSION = 2;

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

const nonEmpty = () => z.string().check(z.minLength(1));

const metaShape = {
  v: z.literal(ENVELOPE_VERSION),
  id: z.uuid(),
  provider: z.enum(PROVIDER_NAMES),
  route: nonEmpty(),
  source: z.optional(nonEmpty()),
  event_type: nonEmpty(),
  action: z.optional(nonEmpty()),
  delivery_key: nonEmpty(),
  received_at: z.iso.datetime(),
  correlation_id: nonEmpty(),
  retry: z.optional(z.object({ num: z.int().check(z.nonnegative()), reason: z.optional(z.string()) })),
  headers: z.record(z.string(), z.string()),
};

/** Everything but the payload: validated at ingest before the (possibly large) payload is attached. */
export const EnvelopeMetaSchema = z.strictObject(metaShape);
/** The SQS message body, validated again by the router: v1 with `payload`, or v2 with `payload_ref`. */
export const EnvelopeSchema = z
  .strictObject({
    ...metaShape,
    v: z.union([z.literal(ENVELOPE_VERSION), z.literal(PAYLOAD_REF_ENVELOPE_VERSION)]),
    payload: z.optional(z.unknown()),
    payload_ref: z.optional(PayloadRefSchema),
  })
  .check(
    z.refine(
      (e) =>
        e.v === PAYLOAD_REF_ENVELOPE_VERSION
          ? e.payload_ref !== undefined && e.payload === undefined
          : e.payload_ref === undefined && e.payload !== undefined,
      `a v${ENVELOPE_VERSION} envelope carries \`payload\`; a v${PAYLOAD_REF_ENVELOPE_VERSION} envelope carries \`payload_ref\` instead`,
    ),
  );

export type EnvelopeMeta = z.infer<typeof EnvelopeMetaSchema>;
export type Envelope = z.infer<typeof EnvelopeSchema>;

export interface EnvelopeContext {
  id: string;
  route: RouteMatch;
  receivedAt: Date;
  correlationId: string;
  headers: Readonly<Record<string, string>>;
}

export function envelopeMeta(event: WebhookEvent, ctx: EnvelopeContext): EnvelopeMeta {
  const headers: Record<string, string> = {};
  for (const name of FORWARDED_HEADERS) {
    const value = ctx.headers[name];
    if (value !== undefined) headers[name] = value;
  }
  return EnvelopeMetaSchema.parse({
    v: ENVELOPE_VERSION,
    id: ctx.id,
    provider: ctx.route.provider,
    route: ctx.route.route,
    ...(ctx.route.source ? { source: ctx.route.source } : {}),
    event_type: event.eventType,
    ...(event.action ? { action: event.action } : {}),
    delivery_key: event.deliveryKey,
    received_at: ctx.receivedAt.toISOString(),
    correlation_id: ctx.correlationId,
    ...(event.retry ? { retry: event.retry } : {}),
    headers,
  });
}

/**
 * The SQS message body. When the payload is the request body itself its JSON text is spliced in
 * as received, so a large payload is never parsed into objects and serialised again.
 */
export function serialiseEnvelope(meta: EnvelopeMeta, event: WebhookEvent): string {
  const metaJson = JSON.stringify(meta);
  const payloadJson = event.payloadJson ?? JSON.stringify(event.payload);
  return toSqsSafeJson(`${metaJson.slice(0, -1)},"payload":${payloadJson}}`);
}

/** The SQS message body of an event whose payload is stored apart, at `ref`. */
export function serialiseRefEnvelope(meta: EnvelopeMeta, ref: PayloadRef): string {
  return toSqsSafeJson(JSON.stringify({ ...meta, v: PAYLOAD_REF_ENVELOPE_VERSION, payload_ref: ref }));
}

export type EnvelopeParse = { ok: true; envelope: Envelope } | { ok: false; problem: string };

/** Parses and validates an SQS message body; never throws. */
export function parseEnvelope(body: string): EnvelopeParse {
  let value: unknown;
  try {
    value = JSON.parse(body);
  } catch (error) {
    return { ok: false, problem: `message body is not JSON: ${(error as Error).message}` };
  }
  const result = EnvelopeSchema.safeParse(value);
  if (!result.success) {
    return {
      ok: false,
      problem: `not a v${ENVELOPE_VERSION} or v${PAYLOAD_REF_ENVELOPE_VERSION} envelope: ${z.prettifyError(result.error)}`,
    };
  }
  return { ok: true, envelope: result.data };
}
