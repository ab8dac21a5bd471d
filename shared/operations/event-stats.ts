import { WEBHOOK_STATUSES, type WebhookStatus } from "../events/event-outcome";

/** Counts of one provider (or all of them) over a time window, like seed 001's admin stats. */
export type StatusCounts = Record<WebhookStatus, number> & {
  /** Every event with an outcome recorded in the window. */
  received: number;
  /** Events that ended badly (failed, dead, rejected), in percent of `received`; 0 when nothing was received. */
  error_rate: number;
  /** Events no team claimed, in percent of `received`. */
  unrouted_rate: number;
};

export interface EventStats {
  since: string;
  total: StatusCounts;
  /** By provider name; events without one (a body that was no envelope) under `unknown`. */
  providers: Record<string, StatusCounts>;
}

/** Outcomes counted as errors in `error_rate`: the agent refused, retries ran out, the body was invalid. */
export const ERROR_STATUSES: readonly WebhookStatus[] = ["failed", "dead", "rejected"];

const percent = (part: number, whole: number) => (whole === 0 ? 0 : Math.round((part / whole) * 1000) / 10);

function emptyCounts(): StatusCounts {
  const counts = { received: 0, error_rate: 0, unrouted_rate: 0 } as StatusCounts;
  for (const status of WEBHOOK_STATUSES) counts[status] = 0;
  return counts;
}

function withRates(counts: StatusCounts): StatusCounts {
  const errors = ERROR_STATUSES.reduce((sum, status) => sum + counts[status], 0);
  return {
    ...counts,
    error_rate: percent(errors, counts.received),
    unrouted_rate: percent(counts.unrouted, counts.received),
  };
}

/** Tallies (status, provider) rows into per-provider and total counts with error rates. */
export function eventStats(
  rows: ReadonlyArray<{ status: WebhookStatus; provider?: string }>,
  since: string,
): EventStats {
  const total = emptyCounts();
  const providers: Record<string, StatusCounts> = {};
  for (const row of rows) {
    const provider = row.provider ?? "unknown";
    providers[provider] ??= emptyCounts();
    for (const counts of [total, providers[provider]]) {
      counts.received += 1;
      counts[row.status] += 1;
    }
  }
  return {
    since,
    total: withRates(total),
    providers: Object.fromEntries(
      Object.keys(providers)
        .sort()
        .map((name) => [name, withRates(providers[name]!)]),
    ),
  };
}
