// zod/mini: the same validation with a tree-shakable API, so the ingest bundle stays small.
import * as z from "zod/mini";
import { type PayloadRef, PayloadRefSchema } from "../payloads/payload-ref";
import { PROVIDER_NAMES, type RouteMatch, type WebhookEvent } from "../providers/provider";
import { toSqsSafeJson } from "./sqs-safe-json";

/**
 * v3: the payload's JSON text exactly as the provider sent it, as a JSON string member
 * (`payload_text`). As a string it survives any content unchanged (integers beyond 2^53, key
 * order, spacing, nesting too deep to re-serialise), and it is what the agent receives verbatim.
 */
export const ENVELOPE_VERSION = 3;
/**
 * v2: the payload was too large for one queue message and is in the payload bucket; `payload_ref`
 * points at the exact bytes sent. A router that knows only v1 refuses such a message as a whole
 * instead of delivering an event without its payload.
 */
export const PAYLOAD_REF_ENVELOPE_VERSION = 2;
/**
 * v1: the payload as a JSON value (`payload`). No longer written; still read, so messages an older
 * deployment queued are delivered after an upgrade.
 */
export const LEGACY_ENVELOPE_VERSION = 1;

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
  /** Identifiers ingest found where the router cannot look (a configured source's headers and paths). */
  identifiers: z.optional(z.record(z.string(), z.string())),
};

/** Whether a v1 payload can be turned back into text: a value nested thousands deep cannot. */
function serialisable(payload: unknown): boolean {
  try {
    JSON.stringify(payload);
    return true;
  } catch {
    return false;
  }
}

/** Everything but the payload: validated at ingest before the (possibly large) payload is attached. */
export const EnvelopeMetaSchema = z.strictObject({ v: z.literal(ENVELOPE_VERSION), ...metaShape });

const VERSIONS = `v${ENVELOPE_VERSION}, v${PAYLOAD_REF_ENVELOPE_VERSION} or v${LEGACY_ENVELOPE_VERSION}`;

/** Names the members a version has no place for (zod/mini's own message is a bare "Invalid input"). */
const strictVersion = (v: number, payloadMember: string) => ({
  error: (issue: z.core.$ZodRawIssue) =>
    issue.code === "unrecognized_keys"
      ? `a v${v} envelope carries its payload in \`${payloadMember}\` and has no ${issue.keys.map((k) => `\`${k}\``).join(", ")}`
      : undefined,
});

/** The SQS message body, validated again by the router: one shape per version, told apart by `v`. */
export const EnvelopeSchema = z.discriminatedUnion(
  "v",
  [
    z.strictObject(
      { ...metaShape, v: z.literal(ENVELOPE_VERSION), payload_text: z.string() },
      strictVersion(ENVELOPE_VERSION, "payload_text"),
    ),
    z.strictObject(
      { ...metaShape, v: z.literal(PAYLOAD_REF_ENVELOPE_VERSION), payload_ref: PayloadRefSchema },
      strictVersion(PAYLOAD_REF_ENVELOPE_VERSION, "payload_ref"),
    ),
    z.strictObject(
      {
        ...metaShape,
        v: z.literal(LEGACY_ENVELOPE_VERSION),
        payload: z
          .unknown()
          .check(
            z.refine(serialisable, "the v1 payload is nested too deeply to be serialised for the agent"),
          ),
      },
      strictVersion(LEGACY_ENVELOPE_VERSION, "payload"),
    ),
  ],
  {
    error: (issue) =>
      issue.code === "invalid_union" ? `the version \`v\` is not one of ${VERSIONS}` : undefined,
  },
);

export type EnvelopeMeta = z.infer<typeof EnvelopeMetaSchema>;
export type Envelope = z.infer<typeof EnvelopeSchema>;
/** An envelope whose payload is stored apart (v2). */
export type PayloadRefEnvelope = Extract<Envelope, { v: typeof PAYLOAD_REF_ENVELOPE_VERSION }>;
/** An envelope that carries its payload (v3, v1). */
export type InlineEnvelope = Exclude<Envelope, PayloadRefEnvelope>;

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
    ...(event.identifiers && Object.keys(event.identifiers).length > 0
      ? { identifiers: event.identifiers }
      : {}),
  });
}

/**
 * The SQS message body of an event whose payload is carried inline. The metadata is serialised on
 * its own and the payload's text spliced in as one JSON string, so a large payload is never parsed
 * into objects and serialised again. The body is made SQS-safe as a whole: inside a JSON string an
 * escape decodes to the same text, so the payload's text comes back exactly.
 */
export function serialiseEnvelope(meta: EnvelopeMeta, payloadText: string): string {
  const metaJson = JSON.stringify(meta);
  return toSqsSafeJson(`${metaJson.slice(0, -1)},"payload_text":${JSON.stringify(payloadText)}}`);
}

/** The SQS message body of an event whose payload is stored apart, at `ref`. */
export function serialiseRefEnvelope(meta: EnvelopeMeta, ref: PayloadRef): string {
  return toSqsSafeJson(JSON.stringify({ ...meta, v: PAYLOAD_REF_ENVELOPE_VERSION, payload_ref: ref }));
}

/**
 * The payload's JSON text when the envelope carries it (v3, and v1 re-serialised: its exact text was
 * never kept), or undefined when it is stored apart (v2: read it at `payload_ref`).
 */
export function inlinePayloadText(envelope: InlineEnvelope): string;
export function inlinePayloadText(envelope: Envelope): string | undefined;
export function inlinePayloadText(envelope: Envelope): string | undefined {
  switch (envelope.v) {
    case ENVELOPE_VERSION:
      return envelope.payload_text;
    case LEGACY_ENVELOPE_VERSION:
      return JSON.stringify(envelope.payload);
    case PAYLOAD_REF_ENVELOPE_VERSION:
      return undefined;
  }
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
      problem: `not a ${VERSIONS} envelope: ${z.prettifyError(result.error)}`,
    };
  }
  return { ok: true, envelope: result.data };
}
