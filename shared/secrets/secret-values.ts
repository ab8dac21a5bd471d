/**
 * A secret value may hold one secret or, during rotation, a JSON array of several active ones.
 * `["old","new"]` → both; `plain` → one. Empty strings are dropped: an empty secret signs nothing.
 */
export function parseSecretList(value: string | undefined): string[] {
  if (value === undefined) return [];
  const trimmed = value.trim();
  if (trimmed.startsWith("[")) {
    const parsed: unknown = JSON.parse(trimmed);
    if (!Array.isArray(parsed) || !parsed.every((s) => typeof s === "string")) {
      throw new Error("a secret list must be a JSON array of strings");
    }
    return parsed.filter((s) => s.length > 0);
  }
  return trimmed === "" ? [] : [trimmed];
}

/** `GENERIC_WEBHOOK_SECRETS`: a JSON object of source name → secret or array of secrets. */
export function parseSecretMap(value: string | undefined): Map<string, string[]> {
  const out = new Map<string, string[]>();
  if (value === undefined || value.trim() === "") return out;
  const parsed: unknown = JSON.parse(value);
  if (parsed === null || typeof parsed !== "object" || Array.isArray(parsed)) {
    throw new Error("must be a JSON object of source name to secret (or array of secrets)");
  }
  for (const [source, secret] of Object.entries(parsed)) {
    // Only a string or an array of strings: `null`, a number or an object must not become the
    // literal secret "null", "42" or "{…}".
    if (typeof secret !== "string" && !Array.isArray(secret)) {
      throw new Error(`the secret of source '${source}' must be a string or an array of strings`);
    }
    out.set(source, parseSecretList(typeof secret === "string" ? secret : JSON.stringify(secret)));
  }
  return out;
}
