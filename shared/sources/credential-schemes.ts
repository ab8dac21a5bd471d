import type { WebhookRequest } from "../http/webhook-request";
import type { Verification } from "../providers/provider";
import { credentialMatches, headerValueBytes } from "./constant-time";
import { ownValue } from "./value-location";

/**
 * The schemes where the request carries the secret itself rather than a signature: the value is
 * compared with each active secret in constant time and never repeated in a problem.
 */

const BEARER = /^Bearer\s+(\S.*)$/i;
const BASIC = /^Basic\s+([A-Za-z0-9+/]+={0,2})$/i;

const outcome = (matched: boolean, problem: string): Verification =>
  matched ? { ok: true } : { ok: false, problem, mismatch: true };

/** `Authorization: Bearer <token>`, for senders that can only add a static header (Coralogix). */
export function verifyBearer(req: WebhookRequest, secrets: readonly string[]): Verification {
  const authorization = req.headers.authorization?.trim();
  if (!authorization) return { ok: false, problem: "missing Authorization header: send Bearer <token>" };
  const token = BEARER.exec(authorization)?.[1];
  if (token === undefined) return { ok: false, problem: "Authorization must be Bearer <token>" };
  return outcome(
    credentialMatches(headerValueBytes(token.trim()), secrets),
    "the bearer token is not one of this source's secrets",
  );
}

/** The secret itself in a header of the sender's choice (`X-Webhook-Secret` by default). */
export function verifySharedSecret(
  header: string,
  req: WebhookRequest,
  secrets: readonly string[],
): Verification {
  const value = ownValue(req.headers, header)?.trim();
  if (!value) return { ok: false, problem: `missing ${header} header: send this source's secret in it` };
  return outcome(
    credentialMatches(headerValueBytes(value), secrets),
    `${header} does not hold this source's secret`,
  );
}

/** HTTP Basic: the secret is `user:password`, compared with the decoded credentials as a whole. */
export function verifyBasic(req: WebhookRequest, secrets: readonly string[]): Verification {
  const authorization = req.headers.authorization?.trim();
  if (!authorization) return { ok: false, problem: "missing Authorization header: send Basic <credentials>" };
  const encoded = BASIC.exec(authorization)?.[1];
  if (encoded === undefined || encoded.length % 4 !== 0) {
    return { ok: false, problem: "Authorization must be Basic <base64 of user:password>" };
  }
  return outcome(
    credentialMatches([Buffer.from(encoded, "base64")], secrets),
    "the Basic credentials are not this source's user and password",
  );
}

/**
 * `?<param>=<token>`, for senders that can set neither headers nor signatures. Only ever reached
 * from an allowed address (the source's `allow_ips` is checked first and is required).
 */
export function verifyQueryToken(
  param: string,
  req: WebhookRequest,
  secrets: readonly string[],
): Verification {
  const token = ownValue(req.query, param);
  if (!token) {
    return { ok: false, problem: `missing the ${param} query parameter: add ${param}=<token> to the URL` };
  }
  return outcome(
    credentialMatches([Buffer.from(token, "utf8")], secrets),
    `the ${param} query parameter does not hold this source's token`,
  );
}
