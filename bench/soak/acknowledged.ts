import { namespacedDeliveryKey } from "../../shared/envelope/delivery-key";
import type { EventRow } from "./collect";
import type { SendResult } from "./sender";
import type { PayloadShape, WebhookClass } from "./webhooks";

/** One event ingest acknowledged: its envelope id and what the soak sent it as. */
export interface AckedEvent {
  eventId: string;
  key: string;
  cls: WebhookClass;
  shape: PayloadShape;
  group?: string;
}

/**
 * Every acknowledged event, each envelope id paired with the event it was queued for (ingest answers
 * a webhook's ids in the order of its events), and the webhooks whose count of ids was not theirs.
 * An empty acknowledgement names no id: its events are the router's records of the same delivery
 * key that no answer named (router records have a receive count; the audit trail's do not), or, when
 * there is none, an id of their own that nothing holds, so they are reconciled as unaccounted.
 */
export function acknowledgedEvents(
  sends: readonly SendResult[],
  outcomes: ReadonlyMap<string, EventRow>,
): { events: AckedEvent[]; miscounted: number } {
  const named = new Set(sends.flatMap((s) => s.ids));
  const unnamed = new Map<string, string[]>();
  for (const row of outcomes.values()) {
    const { route, source, delivery_key } = row;
    if (!route || !delivery_key || row.attempts === undefined || named.has(row.event_id)) continue;
    const key = namespacedDeliveryKey({ route, source, delivery_key });
    unnamed.set(key, [...(unnamed.get(key) ?? []), row.event_id]);
  }
  const events: AckedEvent[] = [];
  let miscounted = 0;
  for (const { webhook, outcome, ids } of sends) {
    if (outcome !== "accepted") continue;
    const eventIds =
      ids.length > 0
        ? ids
        : webhook.events.map((e, i) => unnamed.get(e.key)?.shift() ?? `unrecorded-${webhook.seq}-${i}`);
    if (eventIds.length !== webhook.events.length) miscounted += 1;
    eventIds.forEach((eventId, i) => {
      const event = webhook.events[Math.min(i, webhook.events.length - 1)]!;
      events.push({
        eventId,
        key: event.key,
        cls: webhook.cls,
        shape: webhook.shape,
        ...(webhook.group ? { group: webhook.group } : {}),
      });
    });
  }
  return { events, miscounted };
}
