import type { WebhookRequest } from "../http/webhook-request";
import type { Verification } from "../providers/provider";
import { verifyBasic, verifyBearer, verifyQueryToken, verifySharedSecret } from "./credential-schemes";
import { verifyHmacSignature } from "./hmac-signature";
import { ForbiddenIpError } from "./ip-allowlist";
import type { SchemeConfig, SourceConfig } from "./source-config";

export function verifyScheme(
  scheme: SchemeConfig,
  req: WebhookRequest,
  secrets: readonly string[],
): Verification {
  switch (scheme.scheme) {
    case "hmac-sha256":
      return verifyHmacSignature(scheme, req.headers, req.rawBody, secrets);
    case "bearer":
      return verifyBearer(req, secrets);
    case "shared-secret":
      return verifySharedSecret(scheme.header, req, secrets);
    case "basic":
      return verifyBasic(req, secrets);
    case "query-token":
      return verifyQueryToken(scheme.param, req, secrets);
  }
}

/**
 * A configured source: its address allowlist first (a refused address learns nothing about the
 * secret, and costs no hashing), then its scheme. Throws ForbiddenIpError for an address outside
 * `allow_ips`: that is a 403, not a bad signature.
 */
export function verifySource(
  name: string,
  source: SourceConfig,
  req: WebhookRequest,
  secrets: readonly string[],
): Verification {
  if (source.allowIps && !source.allowIps.allows(req.sourceIp))
    throw new ForbiddenIpError(name, req.sourceIp);
  return verifyScheme(source.scheme, req, secrets);
}
