// zod/mini: the same validation with a tree-shakable API, so the ingest bundle stays small.
import * as z from "zod/mini";
import { PayloadRefSchema } from "../payloads/payload-ref";
import { PROVIDER_NAMES } from "../providers/provider";
import {
  ENVELOPE_VERSION,
  LEGACY_ENVELOPE_VERSION,
  PAYLOAD_REF_ENVELOPE_VERSION,
  RAW_PAYLOAD_ENVELOPE_VERSION,
} from "./envelope-versions";

/**
 * The envelope's schemas, each built on first use: building them costs every cold start, and
 * ingest only ever checks the few fields a request decides, never a whole envelope.
 */
const once = <T>(build: () => T): (() => T) => {
  let built: T | undefined;
  return () => {
    built ??= build();
    return built;
  };
};

const nonEmpty = () => z.string().check(z.minLength(1));

const metaShape = once(() => ({
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
}));

/** Everything but the version and the payload (its type; the envelope schema checks it). */
const metaSchema = () => z.strictObject(metaShape());
export type EnvelopeMeta = z.infer<ReturnType<typeof metaSchema>>;

/**
 * The metadata fields a request decides (its event type, delivery key, action, retry and the
 * identifiers found in it), checked at ingest by the same rules the router applies; ingest makes
 * the others itself (id, route, time, correlation id, the headers it copies).
 */
export const requestFieldsSchema = once(() => {
  const { event_type, action, delivery_key, retry, identifiers } = metaShape();
  return z.object({ event_type, action, delivery_key, retry, identifiers });
});

/** Whether a v1 payload can be turned back into text: a value nested thousands deep cannot. */
function serialisable(payload: unknown): boolean {
  try {
    JSON.stringify(payload);
    return true;
  } catch {
    return false;
  }
}

export const VERSIONS = `v${RAW_PAYLOAD_ENVELOPE_VERSION}, v${ENVELOPE_VERSION}, v${PAYLOAD_REF_ENVELOPE_VERSION} or v${LEGACY_ENVELOPE_VERSION}`;

/** Names the members a version has no place for (zod/mini's own message is a bare "Invalid input"). */
const strictVersion = (v: number, payloadMember: string) => ({
  error: (issue: z.core.$ZodRawIssue) =>
    issue.code === "unrecognized_keys"
      ? `a v${v} envelope carries its payload in \`${payloadMember}\` and has no ${issue.keys.map((k) => `\`${k}\``).join(", ")}`
      : undefined,
});

const buildEnvelopeSchema = () => {
  const shape = metaShape();
  return z.discriminatedUnion(
    "v",
    [
      z.strictObject(
        { ...shape, v: z.literal(RAW_PAYLOAD_ENVELOPE_VERSION), payload_text: z.string() },
        strictVersion(RAW_PAYLOAD_ENVELOPE_VERSION, "payload_text"),
      ),
      z.strictObject(
        { ...shape, v: z.literal(ENVELOPE_VERSION), payload_text: z.string() },
        strictVersion(ENVELOPE_VERSION, "payload_text"),
      ),
      z.strictObject(
        { ...shape, v: z.literal(PAYLOAD_REF_ENVELOPE_VERSION), payload_ref: PayloadRefSchema },
        strictVersion(PAYLOAD_REF_ENVELOPE_VERSION, "payload_ref"),
      ),
      z.strictObject(
        {
          ...shape,
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
};

/** The SQS message body, validated again by the router: one shape per version, told apart by `v`. */
export const envelopeSchema = once(buildEnvelopeSchema);
export type Envelope = z.infer<ReturnType<typeof buildEnvelopeSchema>>;
