import { parseArgs } from "node:util";
import { UsageError, wholeNumber } from "../lib/cli";
import { COST_CASES, type CostCase } from "./cases";

export const USAGE = `npm run cost -- [--events 100] [--mix ${COST_CASES.map((c) => c.name).join(",")}] [--per-month 1000000] [--json]

Prices the current code per million webhooks, component by component, with the floor beside the
total: synthesizes the stack (memory, architecture, tracing, logging, tables, batching), drives the
local pipeline with --events webhooks of each case in --mix (after three warm-up batches each), counts
what the handlers really did (AWS calls, DynamoDB units, stored bytes, log bytes, durations) and
prices it with bench/cost/prices.ts. --per-month is the traffic X-Ray's sampling reservoir and
Secrets Manager's cache refreshes are spread over. --json prints the figures as JSON.
Cases: ${COST_CASES.map((c) => `${c.name} (${c.label})`).join(", ")}.`;

export interface CostOptions {
  events: number;
  cases: CostCase[];
  webhooksPerMonth: number;
  json: boolean;
}

/** The options, or undefined for --help. */
export function parseCostOptions(args: string[]): CostOptions | undefined {
  let values: Record<string, string | boolean | undefined>;
  try {
    ({ values } = parseArgs({
      args,
      options: {
        events: { type: "string", default: "100" },
        mix: { type: "string", default: COST_CASES.map((c) => c.name).join(",") },
        "per-month": { type: "string", default: "1000000" },
        json: { type: "boolean", default: false },
        help: { type: "boolean", short: "h" },
      },
    }));
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
  if (values.help) return undefined;
  const cases = String(values.mix)
    .split(",")
    .map((name) => name.trim())
    .filter(Boolean)
    .map((name) => {
      const found = COST_CASES.find((c) => c.name === name);
      if (!found) throw new UsageError(`--mix: no case '${name}'`);
      return found;
    });
  if (cases.length === 0) throw new UsageError("--mix names no case");
  return {
    events: wholeNumber("events", String(values.events), 10),
    cases,
    webhooksPerMonth: wholeNumber("per-month", String(values["per-month"]), 1),
    json: values.json === true,
  };
}
