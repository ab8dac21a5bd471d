import { createHash } from "node:crypto";
// zod/mini, like the envelope this is part of: the ingest bundle stays small.
import * as z from "zod/mini";
import { PAYLOAD_BUCKET } from "../config/resources";

const nonEmpty = () => z.string().check(z.minLength(1));

/**
 * Where a payload too large for one queue message was stored, and what was stored: the reader checks
 * the size and SHA-256 of what it reads back, so a replaced or truncated object is never delivered.
 */
export const PayloadRefSchema = z.strictObject({
  bucket: nonEmpty(),
  key: nonEmpty(),
  bytes: z.int().check(z.nonnegative()),
  sha256: z.string().check(z.regex(/^[0-9a-f]{64}$/)),
});

export type PayloadRef = z.infer<typeof PayloadRefSchema>;

export const sha256Hex = (bytes: Buffer): string => createHash("sha256").update(bytes).digest("hex");

/** `payloads/<yyyy>/<mm>/<dd>/<envelope id>.json` (UTC day received): a day's large events list together. */
export function payloadKey(envelopeId: string, receivedAt: Date): string {
  const day = receivedAt.toISOString().slice(0, 10).replaceAll("-", "/");
  return `${PAYLOAD_BUCKET.keyPrefix}${day}/${envelopeId}.json`;
}

/** The reference to `body` once it is stored under `key` in `bucket`. */
export function payloadRef(bucket: string, key: string, body: Buffer): PayloadRef {
  return { bucket, key, bytes: body.length, sha256: sha256Hex(body) };
}

/** Why bytes read back for `ref` are not the ones stored, or undefined when they are. */
export function payloadMismatch(ref: PayloadRef, body: Buffer): string | undefined {
  if (body.length !== ref.bytes)
    return `s3://${ref.bucket}/${ref.key} holds ${body.length} bytes, expected ${ref.bytes}`;
  const digest = sha256Hex(body);
  if (digest !== ref.sha256)
    return `s3://${ref.bucket}/${ref.key} has SHA-256 ${digest}, expected ${ref.sha256}`;
  return undefined;
}
