import { createHmac, createSecretKey, type KeyObject, timingSafeEqual } from "node:crypto";

export type HmacKey = string | Buffer;

/** Secrets seen, as key objects; cleared when it grows past this (a process holds a few). */
const MAX_CACHED_KEYS = 64;
const keyObjects = new Map<string, KeyObject>();

/**
 * A text key as a key object, made once per secret: given the text, `createHmac` encodes it into a
 * new Buffer on every call, and a warm function keys every request with the same few secrets.
 */
function keyObjectOf(key: string): KeyObject {
  let object = keyObjects.get(key);
  if (!object) {
    if (keyObjects.size >= MAX_CACHED_KEYS) keyObjects.clear();
    object = createSecretKey(Buffer.from(key, "utf8"));
    keyObjects.set(key, object);
  }
  return object;
}

/**
 * HMAC-SHA256 of the parts. An empty key is refused: anyone can compute its MACs, so a secret that
 * reached here empty (its value not checked when it was read) must fail, not verify.
 */
export function hmacSha256(key: HmacKey, ...parts: (string | Buffer)[]): Buffer {
  if (key.length === 0) throw new Error("refusing an empty HMAC key: the secret holds no key");
  const mac = createHmac("sha256", typeof key === "string" ? keyObjectOf(key) : key);
  for (const part of parts) mac.update(part);
  return mac.digest();
}

/**
 * True when any of the candidate signatures equals any of the expected ones (rotation on both
 * sides), compared in constant time as their UTF-8 bytes. Nothing matches an empty expected value:
 * compared as a token, an empty secret would admit an empty header.
 */
export function anySignatureMatches(expected: readonly string[], received: readonly string[]): boolean {
  const bytes = (text: string) => Buffer.from(text, "utf8");
  return anyDigestMatches(expected.filter((e) => e !== "").map(bytes), received.map(bytes));
}

/**
 * A received hex HMAC-SHA256 as its 32 bytes (either case), or undefined when it is not exactly 64
 * hex digits: hex decoding stops silently at the first non-hex digit, so all 32 bytes written from
 * 64 characters means every one was a digit. Comparing digests as bytes spares hex-encoding every
 * expected MAC.
 */
export function sha256HexDigest(hex: string): Buffer | undefined {
  if (hex.length !== 64) return undefined;
  const digest = Buffer.allocUnsafe(32);
  return digest.write(hex, "hex") === 32 ? digest : undefined;
}

/** Constant-time: whether any received digest equals any expected one (rotation on both sides). */
export function anyDigestMatches(expected: readonly Buffer[], received: readonly Buffer[]): boolean {
  let matched = false;
  // No early exit: the time taken does not reveal which pair matched.
  for (const e of expected) {
    for (const r of received) matched = (e.length === r.length && timingSafeEqual(e, r)) || matched;
  }
  return matched;
}
