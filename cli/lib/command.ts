import { CliError, EXIT, UsageError } from "./errors";
import type { CliIO } from "./io";

/** One command of a group (`routes apply`, `events show`, …). */
export interface Command {
  name: string;
  /** One line for the group's help. */
  summary: string;
  /** `routes apply <file.json> [options]` */
  usage: string;
  /** The full `--help` text. */
  help: string;
  run(argv: string[], io: CliIO): Promise<number>;
}

/** A command group (`routes`, and later `events`, `dlq`, `stats`). */
export interface CommandGroup {
  name: string;
  summary: string;
  commands: readonly Command[];
  /**
   * The command run when the group is given no command name, only options (`stats --since 1h`):
   * for a group that is one command.
   */
  defaultCommand?: string;
}

export function groupHelp(group: CommandGroup, bin = "webhook-pipeline"): string {
  const width = Math.max(...group.commands.map((c) => c.name.length));
  return [
    `usage: ${bin} ${group.name} <command> [options]`,
    "",
    group.summary,
    "",
    "Commands:",
    ...group.commands.map((c) => `  ${c.name.padEnd(width)}  ${c.summary}`),
    "",
    `Run \`${bin} ${group.name} <command> --help\` for a command's options.`,
    "",
  ].join("\n");
}

/** Runs `argv[0]` of the group with the rest of argv; prints help for none, `help` or `--help`. */
export async function runGroup(group: CommandGroup, argv: readonly string[], io: CliIO): Promise<number> {
  const [name, ...rest] = argv;
  const fallback = group.defaultCommand && group.commands.find((c) => c.name === group.defaultCommand);
  if (fallback && (name === undefined || name.startsWith("-"))) return runCommand(fallback, [...argv], io);
  if (name === undefined || name === "help" || name === "--help" || name === "-h") {
    io.stdout(groupHelp(group));
    return name === undefined ? EXIT.usage : EXIT.ok;
  }
  const command = group.commands.find((c) => c.name === name);
  if (!command) {
    throw new UsageError(
      `unknown ${group.name} command ${JSON.stringify(name)}: expected one of ${group.commands.map((c) => c.name).join(", ")}`,
    );
  }
  return runCommand(command, rest, io);
}

/** Runs a command, or prints its help when asked to. */
function runCommand(command: Command, argv: string[], io: CliIO): Promise<number> {
  if (argv.includes("--help") || argv.includes("-h")) {
    io.stdout(command.help.endsWith("\n") ? command.help : `${command.help}\n`);
    return Promise.resolve(EXIT.ok);
  }
  return command.run(argv, io);
}

/**
 * Prints an error the way every command does: `error: <message>` (plus a usage hint for usage
 * errors) on stderr, no stack trace unless DEBUG is set; returns the exit code.
 */
export function reportError(error: unknown, io: CliIO): number {
  if (error instanceof CliError) {
    io.stderr(`error: ${error.message}\n`);
    if (error instanceof UsageError && error.hint) io.stderr(`usage: ${error.hint}\n`);
    return error.exitCode;
  }
  const message = error instanceof Error ? error.message : String(error);
  io.stderr(`error: unexpected failure: ${message}\n`);
  if (io.env.DEBUG && error instanceof Error && error.stack) io.stderr(`${error.stack}\n`);
  else io.stderr("(set DEBUG=1 for the stack trace)\n");
  return EXIT.failure;
}
