import { type KeyObject, verify } from "node:crypto";

/**
 * Checks a GitHub App JWT the way GitHub does: RS256 over `header.payload`, verified with the App's
 * public key, issued by the App (`iss`), not expired, issued at most 60 s ahead (clock drift) and
 * living at most ten minutes. Returns what is wrong, or undefined when it is good.
 */
export function appJwtProblem(
  token: string,
  appId: string,
  publicKey: KeyObject,
  now: Date,
): string | undefined {
  const parts = token.split(".");
  if (parts.length !== 3) return "A JSON web token could not be decoded";
  const [header, payload, signature] = parts as [string, string, string];
  let claims: { iss?: unknown; iat?: unknown; exp?: unknown };
  let alg: unknown;
  try {
    alg = JSON.parse(Buffer.from(header, "base64url").toString("utf8")).alg;
    claims = JSON.parse(Buffer.from(payload, "base64url").toString("utf8"));
  } catch {
    return "A JSON web token could not be decoded";
  }
  if (alg !== "RS256") return "A JSON web token could not be decoded";
  const signed = verify(
    "RSA-SHA256",
    Buffer.from(`${header}.${payload}`),
    publicKey,
    Buffer.from(signature, "base64url"),
  );
  if (!signed) return "A JSON web token could not be decoded";
  if (String(claims.iss) !== appId) return "Integration not found";
  const seconds = Math.floor(now.getTime() / 1000);
  if (typeof claims.exp !== "number" || typeof claims.iat !== "number")
    return "'Expiration time' claim ('exp') must be a numeric value representing the future time at which the assertion expires";
  if (claims.exp <= seconds) return "'Expiration time' claim ('exp') is in the past";
  if (claims.iat > seconds + 60)
    return "'Issued at' claim ('iat') must be an Integer representing the time that the assertion was issued";
  if (claims.exp - claims.iat > 660) return "'Expiration time' claim ('exp') is too far in the future";
  return undefined;
}
