import type { AcceptedDeliveries } from "./accepted-deliveries";
import type { GitHubDeliveries, GitHubDelivery } from "./github-deliveries";
import type { RedeliveryLedger, RedeliveryRequest } from "./redelivery-ledger";

export type { AcceptedDeliveries } from "./accepted-deliveries";
export type { GitHubDeliveries, GitHubDelivery } from "./github-deliveries";
export type { RedeliveryLedger, RedeliveryRequest } from "./redelivery-ledger";

export interface ReconcileOptions {
  /** Deliveries GitHub attempted at or after this time are looked at. */
  since: Date;
  /** Decide and report, ask GitHub for nothing and record nothing. */
  dryRun: boolean;
  /** At most this many redeliveries requested (or, dry, proposed) in one run. */
  max: number;
  now?: () => Date;
}

/** What the run did about one delivery (one guid). */
export type ReconcileAction =
  /** Redelivery requested from GitHub (and recorded in the audit trail). */
  | "redelivered"
  /** Dry run: would have been redelivered. */
  | "would_redeliver"
  /** One of GitHub's attempts got a 2xx. */
  | "succeeded"
  /** GitHub logged no 2xx, but the pipeline holds the event (the answer was lost on the way back). */
  | "accepted_by_pipeline"
  /** A redelivery was requested (by us or on GitHub) within the last hour: not asked again. */
  | "redelivered_recently"
  /** Needs a redelivery, but the run's `max` was reached. */
  | "over_max"
  /** GitHub refused or failed the redelivery request. */
  | "redelivery_failed";

export interface ReconcileRow {
  guid: string;
  event: string;
  action?: string;
  /** The status the pipeline answered GitHub's first attempt with (0: no answer). */
  firstStatus: number;
  /** Attempts GitHub made within the window. */
  attempts: number;
  did: ReconcileAction;
  /** Why, where the action alone does not say (GitHub's refusal). */
  detail?: string;
}

export interface ReconcileReport {
  /** One row per guid, oldest first attempt first. */
  rows: ReconcileRow[];
  /** Guids with no 2xx attempt that the pipeline does not hold either: lost without a redelivery. */
  foundFailed: number;
  /** Redeliveries GitHub accepted to make in this run (0 in a dry run). */
  requested: number;
  /** Redelivery requests GitHub refused or failed. */
  failed: number;
}

export interface ReconcileDeps {
  github: GitHubDeliveries;
  accepted: AcceptedDeliveries;
  ledger: RedeliveryLedger;
}

/** A guid is not redelivered again within this long of the last request. */
export const REDELIVERY_QUIET_MS = 60 * 60 * 1000;

const isSuccess = (status: number) => status >= 200 && status < 300;

/**
 * Finds the GitHub deliveries of the window that never reached the pipeline, and asks GitHub to
 * deliver each once more: GitHub itself never retries a failed delivery. Candidates are decided
 * one guid at a time, oldest first (an agent sees lost events in their original order), and each
 * request is recorded in the audit trail before it is made, so two runs at once redeliver a guid once.
 */
export async function reconcileDeliveries(
  deps: ReconcileDeps,
  options: ReconcileOptions,
): Promise<ReconcileReport> {
  const now = options.now ?? (() => new Date());
  const groups = await attemptsByGuid(deps.github.listSince(options.since));
  const report: ReconcileReport = { rows: [], foundFailed: 0, requested: 0, failed: 0 };
  let proposed = 0;
  for (const attempts of groups) {
    const first = attempts[0]!;
    const row: ReconcileRow = {
      guid: first.guid,
      event: first.event,
      ...(first.action ? { action: first.action } : {}),
      firstStatus: first.statusCode,
      attempts: attempts.length,
      did: "succeeded",
    };
    report.rows.push(row);
    if (attempts.some((a) => isSuccess(a.statusCode))) continue;
    if (await deps.accepted.accepted(first.guid, options.since)) {
      row.did = "accepted_by_pipeline";
      continue;
    }
    report.foundFailed += 1;
    const quietSince = new Date(now().getTime() - REDELIVERY_QUIET_MS);
    if (await redeliveredSince(deps.ledger, attempts, quietSince)) {
      row.did = "redelivered_recently";
      continue;
    }
    if (proposed >= options.max) {
      row.did = "over_max";
      continue;
    }
    proposed += 1;
    if (options.dryRun) {
      row.did = "would_redeliver";
      continue;
    }
    Object.assign(row, await redeliver(deps, attempts, quietSince, now()));
    // Another run got there first: its request, not ours, so it takes none of this run's max.
    if (row.did === "redelivered_recently") proposed -= 1;
    if (row.did === "redelivered") report.requested += 1;
    if (row.did === "redelivery_failed") report.failed += 1;
  }
  return report;
}

/** The window's attempts grouped by guid, each group oldest first, the groups by their first attempt. */
async function attemptsByGuid(listing: AsyncIterable<GitHubDelivery>): Promise<GitHubDelivery[][]> {
  const groups = new Map<string, GitHubDelivery[]>();
  for await (const attempt of listing) {
    const group = groups.get(attempt.guid);
    if (group) group.push(attempt);
    else groups.set(attempt.guid, [attempt]);
  }
  const oldestFirst = (a: GitHubDelivery, b: GitHubDelivery) =>
    a.deliveredAt.getTime() - b.deliveredAt.getTime() ||
    Number(a.redelivery) - Number(b.redelivery) ||
    a.id - b.id;
  return [...groups.values()]
    .map((attempts) => attempts.sort(oldestFirst))
    .sort((a, b) => oldestFirst(a[0]!, b[0]!));
}

/** A redelivery since `quietSince`: one GitHub logged (ours or a click on "Redeliver"), or one our audit trail holds. */
async function redeliveredSince(ledger: RedeliveryLedger, attempts: GitHubDelivery[], quietSince: Date) {
  if (attempts.some((a) => a.redelivery && a.deliveredAt >= quietSince)) return true;
  const last = await ledger.lastRequested(attempts[0]!.guid);
  return last !== undefined && last >= quietSince;
}

async function redeliver(
  deps: ReconcileDeps,
  attempts: GitHubDelivery[],
  quietSince: Date,
  requestedAt: Date,
): Promise<Pick<ReconcileRow, "did" | "detail">> {
  const first = attempts[0]!;
  const request: RedeliveryRequest = {
    guid: first.guid,
    // The newest attempt: the one GitHub's log keeps longest.
    deliveryId: attempts.at(-1)!.id,
    event: first.event,
    ...(first.action ? { action: first.action } : {}),
    firstStatus: first.statusCode,
    attempts: attempts.length,
    requestedAt,
  };
  if (!(await deps.ledger.record(request, quietSince))) return { did: "redelivered_recently" };
  try {
    await deps.github.redeliver(request.deliveryId);
    return { did: "redelivered" };
  } catch (error) {
    const detail = (error as Error).message;
    await deps.ledger.recordRefused(request, detail);
    return { did: "redelivery_failed", detail };
  }
}
