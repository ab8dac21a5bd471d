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
 */
export function acknowledgedEvents(sends: readonly SendResult[]): {
  events: AckedEvent[];
  miscounted: number;
} {
  const events: AckedEvent[] = [];
  let miscounted = 0;
  for (const { webhook, outcome, ids } of sends) {
    if (outcome !== "accepted") continue;
    if (ids.length !== webhook.events.length) miscounted += 1;
    ids.forEach((eventId, i) => {
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
