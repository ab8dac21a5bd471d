import { realpathSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { Command } from "commander";
import { EXIT, reportError } from "./lib/errors";
import { type CliIO, processIO } from "./lib/io";
import { BIN, type CliContext, commanderExitCode, configureCommands } from "./lib/program";

/**
 * Command groups, loaded on demand so one group's dependencies (its AWS SDK clients) never slow
 * another down, and `--help` loads none. Add a group as cli/<group>/index.ts exporting a function
 * that builds its commander Command, and list it here.
 */
const GROUPS: Record<string, { summary: string; load: (cli: CliContext) => Promise<Command> }> = {
  routes: {
    summary: "manage which team owns which routing identifier",
    load: async (cli) => (await import("./routes/index")).routes(cli),
  },
  events: {
    summary: "list, show and replay recorded events",
    load: async (cli) => (await import("./events/index")).events(cli),
  },
  dlq: {
    summary: "peek at the dead-letter queue and redrive it to the webhook queue",
    load: async (cli) => (await import("./dlq/index")).dlq(cli),
  },
  stats: {
    summary: "event counts per provider and error rates",
    load: async (cli) => (await import("./stats/index")).stats(cli),
  },
  notion: {
    summary: "print the verification token Notion sent, to connect a subscription",
    load: async (cli) => (await import("./notion/index")).notion(cli),
  },
  github: {
    summary: "ask GitHub to redeliver webhooks that never reached the pipeline",
    load: async (cli) => (await import("./github/index")).github(cli),
  },
};

/**
 * The program with every group: the one named on the command line loaded, the others as names and
 * summaries only (enough for the overview, and for commander to suggest a group when one is mistyped).
 */
async function program(argv: readonly string[], cli: CliContext): Promise<Command> {
  const wanted = argv[0] === "help" ? argv[1] : argv[0];
  const root = new Command(BIN)
    .description("Operator CLI of the webhook pipeline.")
    .usage("<group> <command> [options]")
    .addHelpText("after", "\nExit codes: 0 ok, 1 failure, 2 invalid usage.");
  for (const [name, group] of Object.entries(GROUPS)) {
    const command = name === wanted ? await group.load(cli) : new Command(name);
    root.addCommand(command.summary(group.summary));
  }
  configureCommands(root, cli.io);
  return root;
}

/** Runs the CLI with `argv` (without node and script) and returns the exit code; never throws. */
export async function main(argv: readonly string[], io: CliIO = processIO()): Promise<number> {
  const cli: CliContext = { io, exitCode: EXIT.ok };
  try {
    await (await program(argv, cli)).parseAsync([...argv], { from: "user" });
    return cli.exitCode;
  } catch (error) {
    return commanderExitCode(error) ?? reportError(error, io);
  }
}

const invokedDirectly = (() => {
  try {
    return (
      process.argv[1] !== undefined &&
      realpathSync(process.argv[1]) === realpathSync(fileURLToPath(import.meta.url))
    );
  } catch {
    return false;
  }
})();

if (invokedDirectly) {
  // The SDK's notice about future Node.js versions is not the operator's concern mid-command.
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= "true";
  process.exitCode = await main(process.argv.slice(2));
}
