import { pick, str } from "../providers/body";
import type { ProviderName, WebhookEvent } from "../providers/provider";
import type { EventRule } from "./event-filters";
import { conditionsHold } from "./payload-conditions";

const labelOf = (event: WebhookEvent) => str(pick(event.payload, "label", "name"));

export function matchesRule(rule: EventRule, event: WebhookEvent): boolean {
  return (
    rule.event === event.eventType &&
    (rule.action === undefined || rule.action === event.action) &&
    (rule.label === undefined || rule.label === labelOf(event)) &&
    conditionsHold(rule.where, event.payload)
  );
}

export interface FilteredEvents {
  forwarded: WebhookEvent[];
  filtered: WebhookEvent[];
}

/** Splits a request's events by its provider's rules: forwarded when any rule matches. No rules: all forwarded. */
export function filterEvents(
  rules: readonly EventRule[] | undefined,
  events: readonly WebhookEvent[],
): FilteredEvents {
  if (!rules) return { forwarded: [...events], filtered: [] };
  const out: FilteredEvents = { forwarded: [], filtered: [] };
  for (const event of events) {
    (rules.some((rule) => matchesRule(rule, event)) ? out.forwarded : out.filtered).push(event);
  }
  return out;
}

/** `issues (labeled, label bug)`: what a rule would have had to match. */
function describe(event: WebhookEvent): string {
  const label = event.action ? labelOf(event) : undefined;
  const details = [event.action, label && `label ${label}`].filter(Boolean).join(", ");
  return details ? `${event.eventType} (${details})` : event.eventType;
}

/** The `reason` a request none of whose events passed is answered with. */
export function filteredReason(provider: ProviderName, filtered: readonly WebhookEvent[]): string {
  if (filtered.length === 1) {
    return `filtered: ${provider} event ${describe(filtered[0]!)} matches no rule in EVENT_FILTERS`;
  }
  const kinds = [...new Set(filtered.map(describe))].join(", ");
  return `filtered: none of the ${filtered.length} ${provider} events (${kinds}) matches a rule in EVENT_FILTERS`;
}
