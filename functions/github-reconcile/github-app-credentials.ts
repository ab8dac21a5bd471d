import { z } from "zod";
import { appPrivateKeyPem, InvalidAppPrivateKey } from "../../shared/adapters/github/app-private-key";
import { UnusableSecretError } from "../../shared/secrets/unusable-secret-error";

/** What the reconciler signs its GitHub App JWTs with. */
export interface GitHubAppCredentials {
  appId: string;
  /** PKCS#8 PEM (what the JWT signer takes). */
  privateKey: string;
}

export const GITHUB_APP_SECRET = "GITHUB_APP_CREDENTIALS";

const EXPECTED = `a JSON object {"app_id": <the App's id>, "private_key": "<the .pem GitHub generated for the App>"}`;

const SHAPE = z.object({
  app_id: z.union([z.number().int().positive(), z.string().trim().regex(/^\d+$/)]),
  private_key: z.string().trim().min(1),
});

/** Which fields are at fault, by name only: the issues' own texts may quote the value. */
const faultyFields = (error: z.ZodError) => [
  ...new Set(error.issues.map((i) => String(i.path[0] ?? "value"))),
];

/**
 * The App's credentials from the secret's JSON value. Anything unusable (no JSON, a missing or
 * non-numeric `app_id`, a `private_key` that is no RSA private key in PEM) throws
 * UnusableSecretError naming the field at fault and never any part of the value, before any
 * request to GitHub. A key pasted as one line with `\n` escapes is taken (appPrivateKeyPem).
 */
export function parseGitHubAppCredentials(value: string, name = GITHUB_APP_SECRET): GitHubAppCredentials {
  let json: unknown;
  try {
    json = JSON.parse(value);
  } catch {
    throw new UnusableSecretError(name, name, `is not valid JSON: it must be ${EXPECTED}`);
  }
  const parsed = SHAPE.safeParse(json);
  if (!parsed.success) {
    const fields = faultyFields(parsed.error).join(" and ");
    throw new UnusableSecretError(name, name, `has no usable ${fields}: it must be ${EXPECTED}`);
  }
  let privateKey: string;
  try {
    privateKey = appPrivateKeyPem(parsed.data.private_key);
  } catch (error) {
    if (!(error instanceof InvalidAppPrivateKey)) throw error;
    throw new UnusableSecretError(
      name,
      `${name}.private_key`,
      `is unusable (${error.message}): put the .pem file GitHub generated for the App, its newlines kept or written \\n`,
    );
  }
  return { appId: String(parsed.data.app_id), privateKey };
}
