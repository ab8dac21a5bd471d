import { EVENT_STATUSES } from "../../shared/events/event-outcome";
import { ERROR_STATUSES, eventStats, type StatusCounts } from "../../shared/operations/event-stats";
import { eventsTableOf } from "../events/context";
import { COMMON_OPTIONS, positionals } from "../lib/args";
import type { Command } from "../lib/command";
import { EXIT } from "../lib/errors";
import { Output, renderTable } from "../lib/output";
import {
  parsePipelineArgs,
  pipelineOptions,
  pipelineOptionsHelp,
  withPipeline,
} from "../lib/pipeline-target";
import { parseSince } from "../lib/time";

const usage =
  "webhook-pipeline stats [--since 24h] [--json] [--local | --stack [NAME] | --events-table NAME]";

const row = (name: string, c: StatusCounts) => [
  name,
  c.received,
  ...EVENT_STATUSES.map((s) => c[s]),
  `${c.error_rate}%`,
  `${c.unrouted_rate}%`,
];

export const show: Command = {
  name: "show",
  summary: "event counts per provider and error rates over a time window",
  usage,
  help: `usage: ${usage}

Counts the events whose outcome was recorded in the window, per provider and in total, from the
events table's by-status index (one query per status), like seed 001's admin stats:
received (all of them), ${EVENT_STATUSES.join(", ")}; the error rate is
(${ERROR_STATUSES.join(" + ")}) / received, the unrouted rate unrouted / received, in percent.
An event counts once, under its latest outcome.

  --since WHEN      the window: 30m, 1h, 24h, 7d, or an ISO timestamp (default 24h)

${pipelineOptionsHelp(["eventsTable"])}
  --json            print {since, total, providers} as JSON

Exit codes: 0 counted, 1 DynamoDB failure, 2 invalid arguments.`,
  async run(argv, io) {
    const { values, positionals: args } = parsePipelineArgs(
      argv,
      { ...COMMON_OPTIONS, ...pipelineOptions("eventsTable"), since: { type: "string" } },
      usage,
    );
    positionals(args, [], usage);
    const since = parseSince(values.since ?? "24h", new Date(), usage).toISOString();
    const rows = await withPipeline(values, io, usage, (session) =>
      eventsTableOf(session).statusesSince(since),
    );
    const stats = eventStats(rows, since);
    new Output(io, values.json ?? false).result(stats, () => {
      const head = `events since ${since}${values.since ? "" : " (the last 24h)"}`;
      if (stats.total.received === 0) return `${head}: none`;
      return `${head}\n\n${renderTable(
        [
          "PROVIDER",
          "RECEIVED",
          ...EVENT_STATUSES.map((s) => s.toUpperCase()),
          "ERROR RATE",
          "UNROUTED RATE",
        ],
        [...Object.entries(stats.providers).map(([name, c]) => row(name, c)), row("total", stats.total)],
      )}`;
    });
    return EXIT.ok;
  },
};
