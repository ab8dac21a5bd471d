import type { SecretName, SecretReader } from "../secrets/secret-reader";
import { parseSecretList, parseSourceSecrets } from "../secrets/secret-values";

type Parsed<T> = { ok: true; value: T } | { ok: false; error: unknown };

/**
 * Remembers the last raw value a parser saw, and what came of it: a warm function reads the same
 * secret value on every request, so it is parsed once, not per webhook, even when it is unusable
 * (every request then gets the same error). A rotated value is a new input and parsed anew.
 */
function parsedOnce<T>(parse: (value: string) => T): (value: string) => T {
  let last: { value: string; parsed: Parsed<T> } | undefined;
  return (value) => {
    if (last?.value !== value) {
      let parsed: Parsed<T>;
      try {
        parsed = { ok: true, value: parse(value) };
      } catch (error) {
        parsed = { ok: false, error };
      }
      last = { value, parsed };
    }
    if (!last.parsed.ok) throw last.parsed.error;
    return last.parsed.value;
  };
}

const secretLists = new Map<SecretName, (value: string) => readonly string[]>();
const genericSources = parsedOnce((value) => parseSourceSecrets(value, "GENERIC_WEBHOOK_SECRETS"));

/**
 * The active secrets held under one secret name (a plain value or a JSON array during rotation),
 * checked for the secret's format. Answered at once (not a promise) when the reader holds the value
 * and it is usable, as it is for nearly every request of a warm function; otherwise a promise, which
 * is also where every failure goes: UnusableSecretError naming the secret when none can key an HMAC,
 * or the reader's error.
 */
export function namedSecrets(
  reader: SecretReader,
  name: SecretName,
): readonly string[] | Promise<readonly string[]> {
  let parse = secretLists.get(name);
  if (!parse) {
    parse = parsedOnce((value) => parseSecretList(value, name));
    secretLists.set(name, parse);
  }
  const held = reader.held(name);
  if (held === undefined) return reader.read(name).then(parse);
  try {
    return parse(held);
  } catch (error) {
    return Promise.reject(error);
  }
}

/**
 * The active secrets of one generic source, or undefined for a source GENERIC_WEBHOOK_SECRETS lacks.
 * Throws UnusableSecretError when the value, or this source's entry in it, is unusable.
 */
export async function genericSourceSecrets(
  reader: SecretReader,
  source: string,
): Promise<readonly string[] | undefined> {
  const secrets = genericSources(await reader.read("GENERIC_WEBHOOK_SECRETS")).get(source);
  if (secrets instanceof Error) throw secrets;
  return secrets;
}
