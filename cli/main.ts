import { realpathSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { type CommandGroup, reportError, runGroup } from "./lib/command";
import { EXIT, UsageError } from "./lib/errors";
import { type CliIO, processIO } from "./lib/io";

/**
 * Command groups, loaded on demand so one group's dependencies never slow another down. Add a group
 * (`events`, `dlq`, `stats`) as cli/<group>/index.ts exporting a CommandGroup, and list it here.
 */
const GROUPS: Record<string, { summary: string; load: () => Promise<CommandGroup> }> = {
  routes: {
    summary: "manage which team owns which routing identifier",
    load: async () => (await import("./routes/index")).routes,
  },
  events: {
    summary: "list, show and replay recorded events",
    load: async () => (await import("./events/index")).events,
  },
  dlq: {
    summary: "peek at the dead-letter queue and redrive it to the webhook queue",
    load: async () => (await import("./dlq/index")).dlq,
  },
  stats: {
    summary: "event counts per provider and error rates",
    load: async () => (await import("./stats/index")).stats,
  },
  notion: {
    summary: "print the verification token Notion sent, to connect a subscription",
    load: async () => (await import("./notion/index")).notion,
  },
};

export const BIN = "webhook-pipeline";

function help(): string {
  const width = Math.max(...Object.keys(GROUPS).map((g) => g.length));
  return [
    `usage: ${BIN} <group> <command> [options]`,
    "",
    "Operator CLI of the webhook pipeline.",
    "",
    "Groups:",
    ...Object.entries(GROUPS).map(([name, g]) => `  ${name.padEnd(width)}  ${g.summary}`),
    "",
    `Run \`${BIN} <group> --help\` for its commands. Exit codes: 0 ok, 1 failure, 2 invalid usage.`,
    "",
  ].join("\n");
}

/** Runs the CLI with `argv` (without node and script) and returns the exit code; never throws. */
export async function main(argv: readonly string[], io: CliIO = processIO()): Promise<number> {
  try {
    const [name, ...rest] = argv;
    if (name === undefined || name === "help" || name === "--help" || name === "-h") {
      io.stdout(help());
      return name === undefined ? EXIT.usage : EXIT.ok;
    }
    const group = GROUPS[name];
    if (!group) {
      throw new UsageError(
        `unknown command group ${JSON.stringify(name)}: expected one of ${Object.keys(GROUPS).join(", ")}`,
      );
    }
    return await runGroup(await group.load(), rest, io);
  } catch (error) {
    return reportError(error, io);
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
