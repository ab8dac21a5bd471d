import { parseGenericSources, type SourceConfig, SourceConfigError } from "./source-config";

type Parsed =
  | { ok: true; sources: ReadonlyMap<string, SourceConfig> }
  | { ok: false; error: SourceConfigError };

let last: { text: string | undefined; parsed: Parsed } | undefined;

function parse(text: string | undefined): Parsed {
  try {
    return { ok: true, sources: parseGenericSources(text) };
  } catch (error) {
    if (error instanceof SourceConfigError) return { ok: false, error };
    throw error;
  }
}

/**
 * The generic sources GENERIC_WEBHOOK_SOURCES configures. A warm function sees the same value on
 * every request, so it is parsed once per value, a bad one included: each request then fails with
 * the same SourceConfigError naming the source and field, without parsing it again.
 */
export function genericSourcesFromEnv(
  env: NodeJS.ProcessEnv = process.env,
): ReadonlyMap<string, SourceConfig> {
  const text = env.GENERIC_WEBHOOK_SOURCES;
  if (last?.text !== text || last === undefined) last = { text, parsed: parse(text) };
  if (!last.parsed.ok) throw last.parsed.error;
  return last.parsed.sources;
}
