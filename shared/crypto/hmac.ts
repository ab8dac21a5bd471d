import { createHmac, timingSafeEqual } from "node:crypto";

export type HmacKey = string | Buffer;

export function hmacSha256(key: HmacKey, ...parts: (string | Buffer)[]): Buffer {
  const mac = createHmac("sha256", key);
  for (const part of parts) mac.update(part);
  return mac.digest();
}

/**
 * Constant-time comparison of a received signature against the expected one. Lengths are not
 * secret (every valid signature of a scheme has the same length), so a length mismatch is a plain no.
 */
export function signaturesMatch(expected: string, received: string): boolean {
  const a = Buffer.from(expected, "utf8");
  const b = Buffer.from(received, "utf8");
  return a.length === b.length && timingSafeEqual(a, b);
}

/** True when any of the candidate signatures equals any of the expected ones (rotation on both sides). */
export function anySignatureMatches(expected: readonly string[], received: readonly string[]): boolean {
  let matched = false;
  // No early exit: the time taken does not reveal which pair matched.
  for (const e of expected) for (const r of received) matched = signaturesMatch(e, r) || matched;
  return matched;
}
