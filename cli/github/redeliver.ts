import { Command, Option } from "commander";
import { InvalidAppPrivateKey } from "../../shared/adapters/github/app-private-key";
import { createDynamoDbReconcileStores } from "../../shared/adapters/github/dynamodb-reconcile-stores";
import {
  createGitHubDeliveries,
  type GitHubDeliveriesConfig,
} from "../../shared/adapters/github/github-deliveries-client";
import { GitHubRequestError } from "../../shared/github/github-deliveries";
import {
  type ReconcileReport,
  type ReconcileRow,
  reconcileDeliveries,
} from "../../shared/github/reconcile-deliveries";
import { CliError, EXIT, UsageError } from "../lib/errors";
import type { CliIO } from "../lib/io";
import { clip, Output, renderTable } from "../lib/output";
import { withPipeline } from "../lib/pipeline-target";
import { action, type CliContext } from "../lib/program";
import { addTargetOptions, type TargetOptions } from "../lib/target-options";
import { parseCount, parseSince } from "../lib/time";
import { githubHookConfig, type HookOptions } from "./github-hook-config";

const MAX_REDELIVERIES = 1000;
const DEFAULT_MAX = 50;

type RedeliverOptions = TargetOptions &
  HookOptions & { since: string; dryRun?: boolean; max?: string; json?: boolean };

export const redeliver = (cli: CliContext) =>
  addTargetOptions(
    new Command("redeliver")
      .summary("ask GitHub to redeliver the webhooks that never reached the pipeline")
      .description(
        "GitHub never retries a failed webhook delivery. This lists the hook's deliveries since --since, groups " +
          "them by delivery guid (X-GitHub-Delivery), and asks GitHub to redeliver each guid none of whose " +
          "attempts got a 2xx and that the pipeline did not accept either (no claim on /webhooks/github:<guid> " +
          "in the idempotency table, no outcome of it in the events table). A guid is asked for at most once an " +
          "hour, by this command and the scheduled function together; each request is recorded in the events " +
          "table (redelivery:/webhooks/github:<guid>, status redelivery_requested).",
      )
      .option(
        "--since <when>",
        "deliveries since: 30m, 6h, 24h, 3d (GitHub keeps 3 days), or an ISO timestamp",
        "24h",
      )
      .option("--dry-run", "say what would be redelivered; ask GitHub for nothing and record nothing")
      .option(
        "--max <n>",
        `redeliveries requested at most (default ${DEFAULT_MAX}, at most ${MAX_REDELIVERIES})`,
      )
      .addOption(
        new Option(
          "--repo <owner/name>",
          "a repository's webhook (with --hook-id and GITHUB_TOKEN)",
        ).conflicts("org"),
      )
      .option("--org <name>", "an organization's webhook (with --hook-id and GITHUB_TOKEN)")
      .option("--hook-id <n>", "the repository's or organization's webhook id")
      .option("--json", "print {since, dry_run, found_failed, requested, failed, rows} as JSON"),
    ["eventsTable", "idempotencyTable"],
  )
    .addHelpText(
      "after",
      `
Credentials: a GitHub App's own webhook with GITHUB_APP_ID and GITHUB_APP_PRIVATE_KEY (PEM text;
the App reads its own hook's deliveries, no extra permission), or --repo/--org with GITHUB_TOKEN
(admin access: classic repo or admin:org_hook scope, fine-grained Webhooks read and write).
GITHUB_API_URL (default https://api.github.com) points at GitHub Enterprise Server.
Requests are made one at a time, redeliveries a second apart; a rate limit is waited out
(Retry-After, x-ratelimit-reset) up to two minutes.
Exit codes: 0 done (even if nothing needed a redelivery), 1 a redelivery was refused or a GitHub or
DynamoDB failure, 2 invalid arguments or missing credentials.`,
    )
    .action(action<RedeliverOptions>(cli, (options, _args, io) => run(options, io)));

/** The GitHub client, or the usage error naming the unusable key. */
function githubClient(config: GitHubDeliveriesConfig) {
  try {
    return createGitHubDeliveries(config);
  } catch (error) {
    if (error instanceof InvalidAppPrivateKey)
      throw new UsageError(`GITHUB_APP_PRIVATE_KEY: ${error.message}`);
    throw error;
  }
}

/** What to check when GitHub refuses the listing. */
function hintFor(status: number, config: GitHubDeliveriesConfig): string {
  const credentials = config.app ? "GITHUB_APP_ID and GITHUB_APP_PRIVATE_KEY" : "GITHUB_TOKEN";
  if (status === 401) return `GitHub refused the credentials: check ${credentials}`;
  if (status === 403 || status === 404) {
    return config.app
      ? "check GITHUB_APP_ID, and that GITHUB_API_URL is the GitHub the App lives on"
      : "check --repo/--org and --hook-id, and that GITHUB_TOKEN has admin access to the hook";
  }
  if (status === 0) return "check GITHUB_API_URL and the network";
  return "try again later";
}

async function run(values: RedeliverOptions, io: CliIO): Promise<number> {
  const now = new Date();
  const since = parseSince(values.since, now);
  const max = parseCount(values.max, "--max", DEFAULT_MAX, MAX_REDELIVERIES);
  const config = githubHookConfig(values, io.env);
  const github = githubClient(config);
  const dryRun = values.dryRun ?? false;
  const report = await withPipeline(values, io, async (session) => {
    const stores = createDynamoDbReconcileStores({
      doc: session.documents(),
      eventsTable: session.name("eventsTable"),
      idempotencyTable: session.name("idempotencyTable"),
    });
    try {
      return await reconcileDeliveries({ github, ...stores }, { since, dryRun, max });
    } catch (error) {
      if (error instanceof GitHubRequestError)
        throw new CliError(`${error.message}; ${hintFor(error.status, config)}`);
      throw error;
    }
  });
  new Output(io, values.json ?? false).result(jsonOf(report, since, dryRun, max), () =>
    human(report, since, dryRun),
  );
  return report.failed > 0 ? EXIT.failure : EXIT.ok;
}

const jsonOf = (report: ReconcileReport, since: Date, dryRun: boolean, max: number) => ({
  since: since.toISOString(),
  dry_run: dryRun,
  max,
  found_failed: report.foundFailed,
  requested: report.requested,
  failed: report.failed,
  rows: report.rows.map((r) => ({
    guid: r.guid,
    event: r.event,
    ...(r.action ? { action: r.action } : {}),
    first_status: r.firstStatus,
    attempts: r.attempts,
    did: r.did,
    ...(r.detail ? { detail: r.detail } : {}),
  })),
});

const eventOf = (r: ReconcileRow) => (r.action ? `${r.event}.${r.action}` : r.event);

/** The rows worth reading (successes only counted: a day of them is most of the log), and the totals. */
function human(report: ReconcileReport, since: Date, dryRun: boolean): string {
  if (report.rows.length === 0) return `no deliveries since ${since.toISOString()}`;
  const shown = report.rows.filter((r) => r.did !== "succeeded");
  const succeeded = report.rows.length - shown.length;
  const table = shown.length
    ? renderTable(
        ["GUID", "EVENT", "FIRST STATUS", "ATTEMPTS", "DID", "DETAIL"],
        shown.map((r) => [
          r.guid,
          eventOf(r),
          r.firstStatus || "no answer",
          r.attempts,
          r.did,
          clip(r.detail, 80),
        ]),
      )
    : "";
  const totals = [
    `${report.rows.length} deliveries since ${since.toISOString()}`,
    `${succeeded} succeeded`,
    `${report.foundFailed} failed and not in the pipeline`,
    dryRun ? "dry run: nothing asked or recorded" : `${report.requested} redeliveries requested`,
    ...(report.failed ? [`${report.failed} refused by GitHub`] : []),
  ];
  return `${table}${totals.join("; ")}${succeeded ? " (--json lists every delivery)" : ""}`;
}
