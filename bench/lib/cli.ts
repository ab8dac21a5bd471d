import { type ParseArgsConfig, parseArgs } from "node:util";

type Options = NonNullable<ParseArgsConfig["options"]>;

/**
 * A bench's flags, parsed with node:util: `--help` prints `usage` and exits 0, an unknown flag or
 * a malformed value prints the problem and `usage` and exits 2, instead of a stack trace.
 */
export function benchArgs(
  usage: string,
  options: Options,
  args = process.argv.slice(2),
): Record<string, string | boolean | undefined> {
  try {
    const { values } = parseArgs({ args, options: { ...options, help: { type: "boolean", short: "h" } } });
    if (values.help) {
      console.log(usage);
      process.exit(0);
    }
    return values as Record<string, string | boolean | undefined>;
  } catch (error) {
    if (!(error as { code?: string }).code?.startsWith("ERR_PARSE_ARGS")) throw error;
    console.error(`${(error as Error).message}\n\n${usage}`);
    process.exit(2);
  }
}

/** A flag's value as a positive number, or exit 2 naming the flag. */
export function positiveNumber(name: string, value: string | undefined, usage: string): number {
  const number = Number(value);
  if (!Number.isFinite(number) || number <= 0) {
    console.error(`--${name} must be a positive number, got '${value}'\n\n${usage}`);
    process.exit(2);
  }
  return number;
}

/** A flag the user got wrong, thrown by a bench's option parser: its entry prints it with the usage and exits 2. */
export class UsageError extends Error {}

/** A flag's value as a whole number of at least `min`, or a UsageError naming the flag. */
export function wholeNumber(name: string, raw: string, min: number): number {
  const value = Number(raw);
  if (!Number.isInteger(value) || value < min) {
    throw new UsageError(`--${name} must be a whole number of at least ${min}, got '${raw}'`);
  }
  return value;
}
