import { decodeStandardWebhooksKey, STANDARD_WEBHOOKS_SECRET_RULE } from "../crypto/standard-webhooks";
import type { SecretName } from "./secret-reader";
import { UnusableSecretError } from "./unusable-secret-error";

/**
 * How a secret keys its HMAC: `plain` secrets are the key text itself (Slack, GitHub, PagerDuty,
 * Jira, generic sources), `standard-webhooks` ones are `whsec_<base64 key>`.
 */
export type SecretFormat = "plain" | "standard-webhooks";

const STANDARD_WEBHOOKS_SECRETS: ReadonlySet<string> = new Set<SecretName>([
  "INCIDENTIO_WEBHOOK_SECRET",
  "AGENT_SIGNING_SECRET",
]);

export const secretFormat = (name: string): SecretFormat =>
  STANDARD_WEBHOOKS_SECRETS.has(name) ? "standard-webhooks" : "plain";

/**
 * The README's placeholders (`<GitHub webhook secret>`, `xoxb-…`): public text, so never a key. A
 * Standard Webhooks placeholder (`whsec_…`) is no base64 and refused as such.
 */
const PLACEHOLDER = /^<.*>$|…/s;

/**
 * JSON text of a secret, parsed. V8's syntax errors quote the text around the fault, so only the
 * position (when V8 gives one) is passed on.
 */
function parseSecretJson(text: string, name: string, expected: string): unknown {
  try {
    return JSON.parse(text);
  } catch (error) {
    const position = /position (\d+)/.exec((error as Error).message)?.[1];
    const at = position === undefined ? "" : ` (syntax error at character ${position})`;
    throw new UnusableSecretError(name, name, `is not valid JSON${at}: it must be ${expected}`);
  }
}

/** `typeof`, telling null and arrays apart, for errors that must not show the value itself. */
const kindOf = (value: unknown) =>
  value === null ? "null" : Array.isArray(value) ? "an array" : typeof value;

/** One secret, refused unless it can key its HMAC; `where` names it in the error. */
function checkSecret(secret: unknown, name: string, where: string, format: SecretFormat): string {
  if (typeof secret !== "string") {
    throw new UnusableSecretError(name, where, `must be a string, not ${kindOf(secret)}`);
  }
  if (secret.trim() === "") {
    throw new UnusableSecretError(name, where, "is empty: put the secret's value");
  }
  if (format === "standard-webhooks") {
    if (!decodeStandardWebhooksKey(secret)) {
      throw new UnusableSecretError(
        name,
        where,
        `is not a usable Standard Webhooks secret: ${STANDARD_WEBHOOKS_SECRET_RULE} (standard alphabet, = padded): put the secret exactly as it was issued`,
      );
    }
  } else if (PLACEHOLDER.test(secret)) {
    throw new UnusableSecretError(
      name,
      where,
      "still holds a placeholder from the README (text in angle brackets, or an ellipsis): put the real secret",
    );
  }
  return secret;
}

/** A list of active secrets: a non-empty array, each one usable. */
function checkList(list: unknown[], name: string, where: string, format: SecretFormat): string[] {
  if (list.length === 0) {
    throw new UnusableSecretError(name, where, "is an empty JSON array: list at least one active secret");
  }
  return list.map((secret, i) => checkSecret(secret, name, `${where}[${i}]`, format));
}

/**
 * A secret value holds one secret or, during rotation, a JSON array of the active ones: `["old","new"]`
 * → both; `plain` → one, trimmed. A value set but unusable (empty, blank, an empty array, an empty or
 * non-string entry, a placeholder, a Standard Webhooks secret without a key) throws
 * UnusableSecretError naming `name`: an empty key would let anyone sign. `undefined` (not configured,
 * which the SecretReader reports itself) is no secrets.
 */
export function parseSecretList(
  value: string | undefined,
  name = "the secret",
  format: SecretFormat = secretFormat(name),
): string[] {
  if (value === undefined) return [];
  const trimmed = value.trim();
  if (!trimmed.startsWith("[")) return [checkSecret(trimmed, name, name, format)];
  const parsed = parseSecretJson(trimmed, name, "a JSON array of strings (the active secrets)");
  if (!Array.isArray(parsed)) {
    throw new UnusableSecretError(name, name, "must be a JSON array of strings (the active secrets)");
  }
  return checkList(parsed, name, name, format);
}

/**
 * `GENERIC_WEBHOOK_SECRETS`: a JSON object of source name → secret or array of secrets. A source
 * whose entry is unusable maps to its error, so it fails alone and every other source keeps working;
 * a value that is no JSON object at all throws. `undefined` is no sources.
 */
export function parseSourceSecrets(
  value: string | undefined,
  name = "GENERIC_WEBHOOK_SECRETS",
): Map<string, string[] | UnusableSecretError> {
  const out = new Map<string, string[] | UnusableSecretError>();
  if (value === undefined) return out;
  const expected = "a JSON object of source name to secret (or array of secrets)";
  if (value.trim() === "") throw new UnusableSecretError(name, name, `is empty: it must be ${expected}`);
  const parsed = parseSecretJson(value, name, expected);
  if (parsed === null || typeof parsed !== "object" || Array.isArray(parsed)) {
    throw new UnusableSecretError(name, name, `must be ${expected}, not ${kindOf(parsed)}`);
  }
  for (const [source, secret] of Object.entries(parsed)) {
    const where = `${name}[${JSON.stringify(source)}]`;
    try {
      // Only a string or an array of strings: `null`, a number or an object must not become the
      // literal secret "null", "42" or "{…}".
      out.set(
        source,
        Array.isArray(secret)
          ? checkList(secret, name, where, "plain")
          : [checkSecret(typeof secret === "string" ? secret.trim() : secret, name, where, "plain")],
      );
    } catch (error) {
      if (!(error instanceof UnusableSecretError)) throw error;
      out.set(source, error);
    }
  }
  return out;
}

/** Every source's secrets, for tools that sign as a source: throws at the first unusable one. */
export function parseSecretMap(
  value: string | undefined,
  name = "GENERIC_WEBHOOK_SECRETS",
): Map<string, string[]> {
  const out = new Map<string, string[]>();
  for (const [source, secrets] of parseSourceSecrets(value, name)) {
    if (secrets instanceof UnusableSecretError) throw secrets;
    out.set(source, secrets);
  }
  return out;
}
