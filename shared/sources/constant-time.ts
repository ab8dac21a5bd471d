import { createHash, timingSafeEqual } from "node:crypto";

const sha256 = (bytes: Buffer): Buffer => createHash("sha256").update(bytes).digest();

/**
 * True when any received value equals any expected one. Every pair is compared, with no early
 * exit, so the time taken does not reveal which secret matched or how many came close.
 * Values of different lengths are simply unequal: callers compare fixed-length digests.
 */
export function anyEqual(expected: readonly Buffer[], received: readonly Buffer[]): boolean {
  let matched = false;
  for (const e of expected) {
    for (const r of received) matched = (e.length === r.length && timingSafeEqual(e, r)) || matched;
  }
  return matched;
}

/**
 * True when a received credential is one of the active secrets (UTF-8). Both sides are compared as
 * SHA-256 digests: fixed length, so neither a secret's length nor a common prefix shows in timing.
 */
export function credentialMatches(received: readonly Buffer[], secrets: readonly string[]): boolean {
  return anyEqual(
    secrets.map((secret) => sha256(Buffer.from(secret, "utf8"))),
    received.map(sha256),
  );
}

/**
 * The bytes a sender may have meant by a header value. Node's HTTP parser reads header bytes as
 * latin1, so a UTF-8 secret arrives there as one character per byte; API Gateway hands over text.
 * Both readings are tried: they are the same bytes on the wire, so neither weakens the check.
 */
export function headerValueBytes(value: string): Buffer[] {
  const utf8 = Buffer.from(value, "utf8");
  const latin1Only = !/[\u0100-\uffff]/.test(value);
  return latin1Only && /[\u0080-\u00ff]/.test(value) ? [utf8, Buffer.from(value, "latin1")] : [utf8];
}
