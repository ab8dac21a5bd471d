import type { WebhookRequest } from "../http/webhook-request";
import { UnknownSourceError } from "../providers/generic";
import type { Provider, RouteMatch } from "../providers/provider";
import type { SecretReader, SecretRefresh } from "../secrets/secret-reader";
import { ForbiddenIpError } from "../sources/ip-allowlist";

/** Why a request was not let through to parsing; ingest answers it with this status. */
export type VerifyRefusal =
  | {
      statusCode: 401 | 403 | 404;
      reason: "bad_signature" | "forbidden_ip" | "unknown_route";
      problem: string;
      /** A secret the cache does not hold yet could have let it through (a mismatch, a new source). */
      fixable?: true;
      /** What re-reading the secret found, when the refusal was fixable (for the log, not the sender). */
      reread?: SecretRefresh;
    }
  /** The secret could not be read or is unusable: a configuration error, retried by the sender. */
  | { statusCode: 503; problem: string };

type Checked = VerifyRefusal | undefined;

/** Why the provider's secrets could not be had. */
function unreadable(provider: Provider, error: unknown): VerifyRefusal {
  // A source added to GENERIC_WEBHOOK_SECRETS since it was read is the generic route's new secret.
  if (error instanceof UnknownSourceError)
    return { statusCode: 404, reason: "unknown_route", problem: error.message, fixable: true };
  return { statusCode: 503, problem: `cannot read the ${provider.name} secret: ${(error as Error).message}` };
}

/** The request checked against the secrets given. */
function verifyWith(provider: Provider, req: WebhookRequest, secrets: readonly string[], now: Date): Checked {
  if (secrets.length === 0) return { statusCode: 503, problem: `the ${provider.name} secret is empty` };
  try {
    const verification = provider.verify(req, secrets, now);
    if (verification.ok) return undefined;
    return verification.mismatch
      ? { statusCode: 401, reason: "bad_signature", problem: verification.problem, fixable: true }
      : { statusCode: 401, reason: "bad_signature", problem: verification.problem };
  } catch (error) {
    // A generic source's allow_ips refused the caller's address, before any credential was compared.
    if (error instanceof ForbiddenIpError)
      return { statusCode: 403, reason: "forbidden_ip", problem: error.message };
    throw error;
  }
}

/**
 * The request checked once against the secrets the reader holds now: answered at once when the
 * provider has its secrets at hand (a warm function's requests), a promise when they must be read.
 */
function verifyOnce(
  provider: Provider,
  req: WebhookRequest,
  route: RouteMatch,
  reader: SecretReader,
  now: Date,
): Checked | Promise<Checked> {
  let secrets: ReturnType<Provider["loadSecrets"]>;
  try {
    secrets = provider.loadSecrets(reader, route);
  } catch (error) {
    return unreadable(provider, error);
  }
  return secrets instanceof Promise
    ? secrets.then(
        (loaded) => verifyWith(provider, req, loaded, now),
        (error: unknown) => unreadable(provider, error),
      )
    : verifyWith(provider, req, secrets, now);
}

/**
 * Verifies a request against its provider's active secrets; undefined when it may go on. A refusal a
 * newer secret could turn around (the credential matched none of the cached secrets, or names a
 * generic source they lack) re-reads the secret once and verifies again, so a secret added for
 * rotation works from its first request rather than once the cache age has passed. The reader
 * limits those re-reads (one per secret a minute, shared while in flight); when it has nothing
 * fresher, or the re-read failed, the first refusal stands (its `reread` says which). Answered at once, not as a promise, when
 * the secrets were at hand and no re-read was needed: the path of nearly every webhook.
 */
export function verifyRequest(
  provider: Provider,
  req: WebhookRequest,
  route: RouteMatch,
  reader: SecretReader,
  now: Date,
): Checked | Promise<Checked> {
  const check = () => verifyOnce(provider, req, route, reader, now);
  const reread = (refusal: Checked): Checked | Promise<Checked> => {
    if (refusal?.statusCode === 503 || !refusal?.fixable) return refusal;
    return reader.refresh(provider.secret.name).then(async (found) => {
      const again = found === "newer" ? await check() : refusal;
      return again && again.statusCode !== 503 ? { ...again, reread: found } : again;
    });
  };
  const refusal = check();
  return refusal instanceof Promise ? refusal.then(reread) : reread(refusal);
}
