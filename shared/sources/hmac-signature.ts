import { hmacSha256 } from "../crypto/hmac";
import type { Verification } from "../providers/provider";
import { anyEqual } from "./constant-time";
import type { SchemeConfig } from "./source-config";
import { ownValue } from "./value-location";

type HmacScheme = Extract<SchemeConfig, { scheme: "hmac-sha256" }>;

/**
 * Room for a few signatures (duplicate headers arrive comma-joined) and nothing like a flood: a
 * longer value is refused before any of it is decoded.
 */
export const MAX_SIGNATURE_HEADER_CHARS = 4096;

/** A SHA-256 digest as each encoding writes it: 64 hex digits, or 43 base64 characters (padding optional). */
const DIGEST_TEXT = { hex: /^[0-9a-fA-F]{64}$/, base64: /^[A-Za-z0-9+/]{43}=?$/ } as const;

/** The digests a header value holds: each comma-separated entry that has the prefix and a well-formed digest. */
function receivedDigests(value: string, scheme: HmacScheme): Buffer[] {
  const prefix = scheme.prefix.toLowerCase();
  const digests: Buffer[] = [];
  for (const entry of value.split(",")) {
    const text = entry.trim();
    if (!text.toLowerCase().startsWith(prefix)) continue;
    const digest = text.slice(prefix.length);
    if (DIGEST_TEXT[scheme.encoding].test(digest)) digests.push(Buffer.from(digest, scheme.encoding));
  }
  return digests;
}

/**
 * `<prefix><hex or base64 HMAC-SHA256(secret, raw body)>` in the configured header. The digests are
 * decoded and compared as bytes, all 32 long, against every active secret's.
 */
export function verifyHmacSignature(
  scheme: HmacScheme,
  headers: Readonly<Record<string, string>>,
  rawBody: Buffer,
  secrets: readonly string[],
): Verification {
  const form = `${scheme.prefix}<${scheme.encoding} HMAC-SHA256 of the raw body>`;
  const value = ownValue(headers, scheme.header);
  if (value === undefined || value.trim() === "") {
    return { ok: false, problem: `missing ${scheme.header} header: send ${form}` };
  }
  if (value.length > MAX_SIGNATURE_HEADER_CHARS) {
    return {
      ok: false,
      problem: `the ${scheme.header} header is ${value.length} characters long; it must hold ${form}`,
    };
  }
  const received = receivedDigests(value, scheme);
  if (received.length === 0) return { ok: false, problem: `${scheme.header} must look like ${form}` };
  const expected = secrets.map((secret) => hmacSha256(secret, rawBody));
  return anyEqual(expected, received)
    ? { ok: true }
    : {
        ok: false,
        problem: `${scheme.header} does not match the body signed with this source's secret`,
        mismatch: true,
      };
}
