/**
 * `npm run cost [-- --events 100 --mix slack,github --json]`: what the current code costs per
 * million webhooks, component by component, beside the design's floor (issue 14). See
 * bench/cost/options.ts for the options and bench/cost/run.ts for how it measures.
 */
import { parseCostOptions, USAGE } from "./cost/options";
import { formatReport, reportJson } from "./cost/report";
import { runCost } from "./cost/run";
import { UsageError } from "./lib/cli";

let options: ReturnType<typeof parseCostOptions>;
try {
  options = parseCostOptions(process.argv.slice(2));
} catch (error) {
  if (!(error instanceof UsageError)) throw error;
  console.error(`${error.message}\n\n${USAGE}`);
  process.exit(2);
}
if (!options) {
  console.log(USAGE);
  process.exit(0);
}

const run = await runCost({
  events: options.events,
  cases: options.cases,
  traffic: { webhooksPerMonth: options.webhooksPerMonth },
  // Progress goes to stderr, so --json's stdout is the JSON alone.
  log: (line) => console.error(line),
});
console.log(
  options.json
    ? JSON.stringify(reportJson(run, options.webhooksPerMonth), null, 2)
    : formatReport(run, options.webhooksPerMonth),
);
