import { Command } from "commander";
import { WEBHOOK_STATUSES } from "../../shared/events/event-outcome";
import { ERROR_STATUSES, eventStats, type StatusCounts } from "../../shared/operations/event-stats";
import { eventsTableOf } from "../events/context";
import { EXIT } from "../lib/errors";
import type { CliIO } from "../lib/io";
import { Output, renderTable } from "../lib/output";
import { withPipeline } from "../lib/pipeline-target";
import { action, type CliContext } from "../lib/program";
import { addTargetOptions, type TargetOptions } from "../lib/target-options";
import { parseSince } from "../lib/time";

const row = (name: string, c: StatusCounts) => [
  name,
  c.received,
  ...WEBHOOK_STATUSES.map((s) => c[s]),
  `${c.error_rate}%`,
  `${c.unrouted_rate}%`,
];

type ShowOptions = TargetOptions & { since?: string; json?: boolean };

export const show = (cli: CliContext) =>
  addTargetOptions(
    new Command("show")
      .summary("event counts per provider and error rates over a time window")
      .description(
        "Counts the events whose outcome was recorded in the window, per provider and in total, from the " +
          "events table's by-status index (one query per status), like seed 001's admin stats: " +
          `received (all of them), ${WEBHOOK_STATUSES.join(", ")}; the error rate is ` +
          `(${ERROR_STATUSES.join(" + ")}) / received, the unrouted rate unrouted / received, in percent. ` +
          "An event counts once, under its latest outcome.",
      )
      .option("--since <when>", "the window: 30m, 1h, 24h, 7d, or an ISO timestamp (default 24h)")
      .option("--json", "print {since, total, providers} as JSON"),
    ["eventsTable"],
  )
    .addHelpText("after", "\nExit codes: 0 counted, 1 DynamoDB failure, 2 invalid arguments.")
    .action(action<ShowOptions>(cli, (options, _args, io) => run(options, io)));

async function run(values: ShowOptions, io: CliIO): Promise<number> {
  const since = parseSince(values.since ?? "24h", new Date()).toISOString();
  const rows = await withPipeline(values, io, (session) => eventsTableOf(session).statusesSince(since));
  const stats = eventStats(rows, since);
  new Output(io, values.json ?? false).result(stats, () => {
    const head = `events since ${since}${values.since ? "" : " (the last 24h)"}`;
    if (stats.total.received === 0) return `${head}: none`;
    return `${head}\n\n${renderTable(
      [
        "PROVIDER",
        "RECEIVED",
        ...WEBHOOK_STATUSES.map((s) => s.toUpperCase()),
        "ERROR RATE",
        "UNROUTED RATE",
      ],
      [...Object.entries(stats.providers).map(([name, c]) => row(name, c)), row("total", stats.total)],
    )}`;
  });
  return EXIT.ok;
}
