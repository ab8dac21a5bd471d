/**
 * `npm run soak [-- --events 10000 --duration 600 …]`: proof under faults. Drives the local pipeline
 * from this process with signed webhooks while breaking the agent, DynamoDB, the queue and the
 * router, then reconciles every event and exits 1 if one was lost, delivered twice or forged.
 * `npm run soak -- --help` lists the flags.
 */
import { UsageError } from "./lib/cli";
import { parseSoakOptions, USAGE } from "./soak/options";
import { runSoak } from "./soak/run";

const args = process.argv.slice(2);
let options: ReturnType<typeof parseSoakOptions>;
try {
  options = parseSoakOptions(args);
} catch (error) {
  if (
    !(error instanceof UsageError) &&
    (error as { code?: string }).code?.startsWith("ERR_PARSE_ARGS") !== true
  ) {
    throw error;
  }
  console.error(`${(error as Error).message}\n\n${USAGE}`);
  process.exit(2);
}
if (options === "help") {
  console.log(USAGE);
  process.exit(0);
}
const command = `npm run soak --${args.length > 0 ? ` ${args.join(" ")}` : ""} (seed ${options.seed})`;
runSoak(options, command).then(
  (code) => process.exit(code),
  (error) => {
    console.error(`the soak could not run: ${(error as Error).stack ?? error}`);
    process.exit(1);
  },
);
