import { type Command, CommanderError } from "commander";
import { EXIT, UsageError } from "./errors";
import type { CliIO } from "./io";

export const BIN = "webhook-pipeline";

/** What one run of the CLI gives its commands: where to print, and the exit code the command ended with. */
export interface CliContext {
  io: CliIO;
  exitCode: number;
}

/** `webhook-pipeline events list`: the command's name after those of its parents. */
export function commandPath(command: Command): string {
  const names: string[] = [];
  for (let c: Command | null = command; c; c = c.parent) names.unshift(c.name());
  return names.join(" ");
}

/**
 * Gives a command and all its subcommands the CLI's shared behaviour: output through `io`, errors
 * thrown (never `process.exit`), a "did you mean" suggestion and the command's usage after every
 * usage error. Run once the whole tree is built (a command's usage line lists its options).
 */
export function configureCommands(command: Command, io: CliIO): void {
  const path = commandPath(command);
  // A group is run with one of its commands: say so rather than commander's `[options] [command]`.
  if (command.commands.length > 0 && command.parent) command.usage("<command> [options]");
  command
    .exitOverride()
    .configureOutput({ writeOut: (text) => io.stdout(text), writeErr: (text) => io.stderr(text) })
    .showSuggestionAfterError()
    .showHelpAfterError(`usage: ${path} ${command.usage()}\nrun \`${path} --help\` for the details`);
  for (const sub of command.commands) configureCommands(sub, io);
}

/**
 * A command's action: runs `run` with the parsed options and arguments and keeps the exit code it
 * returns. A UsageError it throws is reported like commander's own usage errors (with the
 * command's usage) and ends the run with exit code 2.
 */
export function action<O extends object>(
  cli: CliContext,
  run: (options: O, args: string[], io: CliIO) => Promise<number>,
): (...params: unknown[]) => Promise<void> {
  return async (...params) => {
    const command = params.at(-1) as Command;
    try {
      cli.exitCode = await run(command.opts<O>(), command.processedArgs as string[], cli.io);
    } catch (error) {
      if (error instanceof UsageError) {
        command.error(`error: ${error.message}`, { exitCode: EXIT.usage, code: "webhook-pipeline.usage" });
      }
      throw error;
    }
  };
}

/**
 * The exit code of a run commander ended early: 0 after help that was asked for, 2 for every usage
 * error (unknown command or option, missing or excess argument, conflicting options) and for help
 * printed because no command was given. Undefined for any other error.
 */
export function commanderExitCode(error: unknown): number | undefined {
  if (!(error instanceof CommanderError)) return undefined;
  return error.exitCode === 0 ? EXIT.ok : EXIT.usage;
}
