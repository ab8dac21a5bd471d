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
 * its own, so each alert must reach the agent. One that did not, while its record says it was
 * delivered or a duplicate (of another source's alert, above all), was lost to another source's key.
 * One the agent refused (400) or that ran out of retries is not lost that way and is counted by its fate.
 */
export function checkSameIdSources(
  acknowledged: readonly AckedEvent[],
  acceptedKeys: ReadonlySet<string>,
  outcomes: ReadonlyMap<string, EventRow>,
): SameIdCheck {
  const groups = new Map<string, AckedEvent[]>();
  for (const event of acknowledged) {
    if (event.group) groups.set(event.group, [...(groups.get(event.group) ?? []), event]);
  }
  const check: SameIdCheck = { groups: groups.size, alerts: 0, deliveredFromEverySource: 0, lost: [] };
  for (const members of groups.values()) {
    const keys = new Set(members.map((m) => m.key));
    check.alerts += keys.size;
    if ([...keys].every((key) => acceptedKeys.has(key))) check.deliveredFromEverySource += 1;
    const others = (member: AckedEvent) =>
      new Set(members.filter((m) => m.key !== member.key).map((m) => m.eventId));
    for (const member of members) {
      if (acceptedKeys.has(member.key)) continue;
      const row = outcomes.get(member.eventId);
      const takenForAnother = row?.duplicate_of !== undefined && others(member).has(row.duplicate_of);
      if (takenForAnother || row?.status === "delivered" || row?.status === "duplicate") {
        check.lost.push({
          eventId: member.eventId,
          key: member.key,
          status: row?.status ?? "no record",
          ...(row?.duplicate_of ? { duplicateOf: row.duplicate_of } : {}),
        });
      }
    }
  }
  return check;
}
