import type { Verification } from "../providers/provider";
import { anyDigestMatches, hmacSha256, sha256HexDigest } from "./hmac";

export interface HexSignatureScheme {
  /** Header as written in provider docs, for error messages; looked up lower-cased. */
  header: string;
  /** What precedes the hex digest: `sha256=` (GitHub, Jira, generic) or `v1=` (PagerDuty). */
  prefix: string;
  /** Several signatures in one header, comma-separated (PagerDuty during rotation). */
  commaSeparated?: boolean;
}

/** `<prefix><hex HMAC-SHA256(secret, raw body)>`: GitHub, Jira, PagerDuty and generic senders. */
export function signHex(secret: string, rawBody: Buffer | string, prefix: string): string {
  return prefix + hmacSha256(secret, rawBody).toString("hex");
}

/** The signature header a sender of `scheme` sets on `rawBody`, keyed by its lower-cased name. */
export function signHexHeader(
  scheme: HexSignatureScheme,
  secret: string,
  rawBody: Buffer | string,
): Record<string, string> {
  return { [scheme.header.toLowerCase()]: signHex(secret, rawBody, scheme.prefix) };
}

export function verifyHexSignature(
  scheme: HexSignatureScheme,
  headers: Readonly<Record<string, string>>,
  rawBody: Buffer,
  secrets: readonly string[],
): Verification {
  const value = headers[scheme.header.toLowerCase()];
  if (value === undefined || value.trim() === "") {
    return { ok: false, problem: `missing ${scheme.header} header` };
  }
  const signatures = (scheme.commaSeparated ? value.split(",") : [value])
    .map((s) => s.trim())
    .filter((s) => s.startsWith(scheme.prefix));
  if (signatures.length === 0) {
    return { ok: false, problem: `${scheme.header} must look like ${scheme.prefix}<hex HMAC-SHA256>` };
  }
  // Digests compared as bytes, hex digits in either case; one that is not 64 hex digits matches nothing.
  const received: Buffer[] = [];
  for (const signature of signatures) {
    const digest = sha256HexDigest(signature.slice(scheme.prefix.length));
    if (digest) received.push(digest);
  }
  const expected = secrets.map((secret) => hmacSha256(secret, rawBody));
  return anyDigestMatches(expected, received)
    ? { ok: true }
    : {
        ok: false,
        problem: `${scheme.header} does not match the body signed with the configured secret`,
        ...(received.length > 0 ? { mismatch: true } : {}),
      };
}
