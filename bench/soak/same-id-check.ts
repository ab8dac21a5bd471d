import { namespacedDeliveryKey } from "../../shared/envelope/delivery-key";
import type { AckedEvent } from "./acknowledged";
import type { EventRow } from "./collect";

/** An alert the router took for another source's alert with the same id: never sent to the agent. */
export interface LostAlert {
  eventId: string;
  key: string;
  status: string;
  duplicateOf?: string;
}

export interface SameIdCheck {
  groups: number;
  alerts: number;
  /** Groups whose every source's alert reached the agent. */
  deliveredFromEverySource: number;
  lost: LostAlert[];
}

/**
 * Same-id alerts (one id, identical bytes, several generic sources): each source's delivery key is
 * its own, so each alert must reach the agent. One that did not was lost to another source's key
 * when its record names another source's alert as the one it duplicates, or says it was delivered,
 * or a duplicate of an event that is no copy of its own delivery. One the agent refused (400), a
 * resend of a refused one, or one that ran out of retries is counted by its fate, not here.
 */
export function checkSameIdSources(
  acknowledged: readonly AckedEvent[],
  acceptedKeys: ReadonlySet<string>,
  outcomes: ReadonlyMap<string, EventRow>,
): SameIdCheck {
  const acknowledgedKey = new Map(acknowledged.map((e) => [e.eventId, e.key]));
  // The holder's key from its own record (it may be a copy no answer named), else as acknowledged.
  const keyOf = (eventId: string) => {
    const row = outcomes.get(eventId);
    return row?.route && row.delivery_key
      ? namespacedDeliveryKey({ route: row.route, source: row.source, delivery_key: row.delivery_key })
      : acknowledgedKey.get(eventId);
  };
  const groups = new Map<string, AckedEvent[]>();
  for (const event of acknowledged) {
    if (event.group) groups.set(event.group, [...(groups.get(event.group) ?? []), event]);
  }
  const check: SameIdCheck = { groups: groups.size, alerts: 0, deliveredFromEverySource: 0, lost: [] };
  for (const members of groups.values()) {
    const keys = new Set(members.map((m) => m.key));
    check.alerts += keys.size;
    if ([...keys].every((key) => acceptedKeys.has(key))) check.deliveredFromEverySource += 1;
    for (const member of members) {
      if (acceptedKeys.has(member.key)) continue;
      const row = outcomes.get(member.eventId);
      const holder = row?.duplicate_of;
      const lost = row?.status === "delivered" || (holder !== undefined && keyOf(holder) !== member.key);
      if (lost) {
        check.lost.push({
          eventId: member.eventId,
          key: member.key,
          status: row?.status ?? "no record",
          ...(holder ? { duplicateOf: holder } : {}),
        });
      }
    }
  }
  return check;
}
