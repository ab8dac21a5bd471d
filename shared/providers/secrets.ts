import type { SecretName, SecretReader } from "../secrets/secret-reader";
import { parseSecretList, parseSecretMap } from "../secrets/secret-values";

/**
 * Remembers the last raw value a parser saw: a warm function reads the same secret value on every
 * request, so it is parsed once, not per webhook. A rotated value is a new input and parsed anew.
 */
function parsedOnce<T>(parse: (value: string) => T): (value: string) => T {
  let last: { value: string; parsed: T } | undefined;
  return (value) => {
    if (last?.value !== value) last = { value, parsed: parse(value) };
    return last.parsed;
  };
}

const secretLists = new Map<SecretName, (value: string) => readonly string[]>();
const genericSources = parsedOnce(parseSecretMap);

/** The active secrets held under one secret name (a plain value or a JSON array during rotation). */
export async function namedSecrets(reader: SecretReader, name: SecretName): Promise<readonly string[]> {
  let parse = secretLists.get(name);
  if (!parse) {
    parse = parsedOnce(parseSecretList);
    secretLists.set(name, parse);
  }
  return parse(await reader.read(name));
}

/** The active secrets of one generic source, or undefined for a source GENERIC_WEBHOOK_SECRETS lacks. */
export async function genericSourceSecrets(
  reader: SecretReader,
  source: string,
): Promise<readonly string[] | undefined> {
  return genericSources(await reader.read("GENERIC_WEBHOOK_SECRETS")).get(source);
}
