import type { AckedEvent } from "./acknowledged";
import type { EventRow } from "./collect";
import type { Deferral } from "./deferrals";
import type { SendResult } from "./sender";

/** How an event whose identifier no key can hold may end: recorded, not routed, not retried. */
const SETTLED_ALONE = new Set(["unrouted", "rejected"]);

/**
 * What DynamoDB answers a request with a key too large (or otherwise invalid): no fault the soak
 * injects produces it (its throttles are ProvisionedThroughputExceededException, its outages
 * resets), so a record sent back to the queue with it was failed by some record's bad data.
 */
const VALIDATION_ERROR =
  /ValidationException|parameter values were invalid|exceeded the maximum (allowed )?size/i;

export interface BadDataCheck {
  oversized: number;
  /** Oversized-identifier webhooks ingest did not acknowledge: never recorded at all. */
  refused: number;
  /** Oversized-identifier events by the status they ended with. */
  byStatus: Map<string, number>;
  /** Those that did not end unrouted (or rejected): retried, dead, delivered, or never recorded. */
  unsettled: Array<{ eventId: string; key: string; status: string }>;
  /** Records deferred by a DynamoDB validation error. */
  validationDeferrals: Deferral[];
}

/**
 * A record's own bad data (a 3,000-character repository or channel) affects that record only: ingest
 * acknowledges it, it ends unrouted (or rejected), and no record — of its batch or any other —
 * goes back to the queue because a lookup or write with it was refused.
 */
export function checkBadData(
  sends: readonly SendResult[],
  acknowledged: readonly AckedEvent[],
  outcomes: ReadonlyMap<string, EventRow>,
  deferrals: readonly Deferral[],
): BadDataCheck {
  const check: BadDataCheck = {
    oversized: 0,
    refused: sends.filter((s) => s.webhook.cls === "oversized-id" && s.outcome !== "accepted").length,
    byStatus: new Map(),
    unsettled: [],
    validationDeferrals: deferrals.filter((d) => VALIDATION_ERROR.test(d.reason)),
  };
  for (const event of acknowledged) {
    if (event.cls !== "oversized-id") continue;
    check.oversized += 1;
    const status = outcomes.get(event.eventId)?.status ?? "no record";
    check.byStatus.set(status, (check.byStatus.get(status) ?? 0) + 1);
    if (!SETTLED_ALONE.has(status)) check.unsettled.push({ eventId: event.eventId, key: event.key, status });
  }
  return check;
}
