import type { Fields } from "./columns";

/** Events whose provider and type are remembered; the oldest is forgotten first. */
const CAPACITY = 2_000;

export interface EventName {
  provider: string;
  eventType: string;
}

/**
 * The provider and event type of each event ingest accepted, from its record lines: the router's
 * line of delivered events names each by id only (ingest's line already says the rest), and the
 * terminal shows both beside every outcome. Held in memory only.
 */
export class EventNames {
  private readonly byId = new Map<string, EventName>();

  constructor(private readonly capacity = CAPACITY) {}

  /** Takes ingest's record of a request: `provider`, and `events` of `{id, eventType}`. */
  remember(fields: Fields): void {
    if (typeof fields.provider !== "string" || !Array.isArray(fields.events)) return;
    for (const event of fields.events as { id?: unknown; eventType?: unknown }[]) {
      if (typeof event?.id !== "string") continue;
      this.byId.delete(event.id);
      this.byId.set(event.id, {
        provider: fields.provider,
        eventType: typeof event.eventType === "string" ? event.eventType : "",
      });
      if (this.byId.size > this.capacity) this.byId.delete(this.byId.keys().next().value as string);
    }
  }

  of(id: string): EventName | undefined {
    return this.byId.get(id);
  }
}
