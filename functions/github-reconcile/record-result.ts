import { MetricUnit } from "@aws-lambda-powertools/metrics";
import { GITHUB_RECONCILER } from "../../shared/config/resources";
import { GitHubRequestError } from "../../shared/github/github-deliveries";
import type { ReconcileAction, ReconcileReport } from "../../shared/github/reconcile-deliveries";
import { logger, metrics } from "../../shared/observability/powertools";

const METRIC = GITHUB_RECONCILER.metrics;

export interface ReconcileRun {
  /** The start of the window the run looked at. */
  since: Date;
}

/** How many guids ended in each action, the actions that happened only. */
function countByAction(report: ReconcileReport): Partial<Record<ReconcileAction, number>> {
  const counts: Partial<Record<ReconcileAction, number>> = {};
  for (const row of report.rows) counts[row.did] = (counts[row.did] ?? 0) + 1;
  return counts;
}

/**
 * The run's one log line and its metrics line (each count, zero included, so the graphs show runs
 * that found nothing). The line names every guid redelivered and every refusal with GitHub's
 * answer (both at most the run's maximum); at error level when a redelivery failed.
 */
export function recordReconcileResult(report: ReconcileReport, run: ReconcileRun): void {
  metrics.addMetric(METRIC.foundFailed, MetricUnit.Count, report.foundFailed);
  metrics.addMetric(METRIC.requested, MetricUnit.Count, report.requested);
  metrics.addMetric(METRIC.redeliveriesFailed, MetricUnit.Count, report.failed);
  metrics.publishStoredMetrics();
  const redelivered = report.rows.filter((r) => r.did === "redelivered").map((r) => r.guid);
  const refused = report.rows
    .filter((r) => r.did === "redelivery_failed")
    .map((r) => ({ guid: r.guid, event: r.event, reason: r.detail ?? "no reason given" }));
  const level = refused.length > 0 ? "error" : "info";
  logger[level](
    refused.length > 0
      ? "github reconciliation: GitHub refused redeliveries; those events are still lost"
      : "github reconciliation done",
    {
      since: run.since.toISOString(),
      deliveries: report.rows.length,
      found_failed: report.foundFailed,
      requested: report.requested,
      failed: report.failed,
      outcomes: countByAction(report),
      ...(redelivered.length > 0 ? { redelivered } : {}),
      ...(refused.length > 0 ? { refused } : {}),
    },
  );
}

/** Longest error text quoted from elsewhere (GitHub's answer, a network error). */
const MAX_PROBLEM_CHARS = 300;

/** What to do about GitHub's answer (its status and message are in the error's own text). */
const ADVICE = (status: number, message: string): string =>
  status >= 500
    ? "GitHub is unavailable; the next scheduled run tries again"
    : status === 429 || /rate.limit/i.test(message)
      ? "the next scheduled run tries again (lower githubReconcileMax if it keeps happening)"
      : status === 401
        ? "GitHub refused the App's token: check app_id and private_key in the credentials secret (the App's current key)"
        : "check the credentials secret's app_id and GITHUB_API_URL (GitHub Enterprise Server: https://HOST/api/v3)";

const UNREACHABLE =
  "GitHub could not be reached: check GITHUB_API_URL and the function's network access; the next scheduled run tries again";

/**
 * What stopped a run, in words an operator can act on. Only the error's name, status and message:
 * never the error object, whose request options or cause could carry a token or the key.
 */
export function problemOf(error: unknown): { error_name: string; status?: number; problem: string } {
  const e = error instanceof Error ? error : new Error(String(error));
  const { status: answered } = e as { status?: unknown };
  const status = typeof answered === "number" && answered > 0 ? answered : undefined;
  const message =
    e.message.length > MAX_PROBLEM_CHARS ? `${e.message.slice(0, MAX_PROBLEM_CHARS)}…` : e.message;
  // GitHub's client gives no status when there was no answer at all.
  const unanswered = e instanceof GitHubRequestError && status === undefined;
  const advice = unanswered ? UNREACHABLE : status === undefined ? undefined : ADVICE(status, message);
  const problem = advice ? `${message}: ${advice}` : message;
  return { error_name: e.name, ...(status !== undefined ? { status } : {}), problem };
}

/** The log line of a run that could not reconcile (the function then fails, and its alarm counts it). */
export function recordReconcileFailure(error: unknown): string {
  const fields = problemOf(error);
  logger.error("github reconciliation failed", fields);
  return fields.problem;
}
