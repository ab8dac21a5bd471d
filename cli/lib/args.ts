import { type ParseArgsConfig, parseArgs } from "node:util";
import { UsageError } from "./errors";

export type OptionSpec = NonNullable<ParseArgsConfig["options"]>;

/** Flags every command takes. */
export const COMMON_OPTIONS = {
  json: { type: "boolean" },
  help: { type: "boolean", short: "h" },
} as const satisfies OptionSpec;

/**
 * Parses one command's arguments strictly (unknown flags are errors) with node:util's parseArgs,
 * turning its errors into UsageErrors that carry the command's usage line.
 */
export function parseCommandArgs<const O extends OptionSpec>(
  argv: readonly string[],
  options: O,
  usage: string,
) {
  try {
    return parseArgs({ args: [...argv], options, allowPositionals: true, strict: true });
  } catch (error) {
    // Node's messages run on with advice about `--`; the first sentence is the useful part.
    const message = (error as Error).message.split(". ")[0]!.replace(/\.$/, "");
    throw new UsageError(message, usage);
  }
}

/** The positional arguments, exactly `names.length` of them, or a UsageError naming what is missing. */
export function positionals(values: readonly string[], names: readonly string[], usage: string): string[] {
  if (values.length < names.length) {
    throw new UsageError(
      `missing ${names
        .slice(values.length)
        .map((n) => `<${n}>`)
        .join(" ")}`,
      usage,
    );
  }
  if (values.length > names.length) {
    throw new UsageError(`unexpected argument ${JSON.stringify(values[names.length])}`, usage);
  }
  return [...values];
}

/** `<org>/<team>` → its two parts. */
export function parseTeamRef(value: string, usage: string): { org_id: string; team_node_id: string } {
  const match = /^([^/\s]+)\/([^/\s]+)$/.exec(value.trim());
  if (!match)
    throw new UsageError(
      `expected <org>/<team>, like extend/extend-sre; got ${JSON.stringify(value)}`,
      usage,
    );
  return { org_id: match[1]!, team_node_id: match[2]! };
}
