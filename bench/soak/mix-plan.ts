import type { SoakOptions } from "./options";

/** What one slot of the mix sends: one webhook, or several in a row (the `size` of the slot). */
export type SlotKind =
  | "routable"
  | "duplicate"
  | "slack-retry"
  | "unknown-team"
  | "bad-signature"
  | "odd"
  | "large"
  | "deep"
  | "oversized-id"
  /** One generic alert, the same id and bytes, from every same-id source in turn. */
  | "same-id"
  /** Webhooks in a row for the team whose agent is down. */
  | "broken-team";

export interface MixSlot {
  kind: SlotKind;
  size: number;
}

/**
 * The broken team's webhooks come in storms of one router batch: more consecutive failures than
 * the breaker's threshold (5) in one batch, so a breaker shared between destinations would open on
 * them and hold the healthy team's next batches back.
 */
export const BROKEN_TEAM_STORM = 10;

/** In a shuffled array, in place (Fisher–Yates): the same seed gives the same order. */
function shuffle<T>(items: T[], random: () => number): T[] {
  for (let i = items.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [items[i], items[j]] = [items[j]!, items[i]!];
  }
  return items;
}

/** Slots whose webhooks make up `share` of `events` (at least one slot when the share is not 0). */
const slots = (kind: SlotKind, share: number, events: number, size = 1): MixSlot[] =>
  share > 0
    ? Array.from({ length: Math.max(1, Math.round((share * events) / size)) }, () => ({ kind, size }))
    : [];

/**
 * The order of the mix: exact shares of every kind (so even a short run sends each rare one), in a
 * seeded random order, the rest plain routable webhooks. The broken team's storms are placed with
 * their own random stream, so the rest of the order does not depend on them: a run that plans them
 * but does not send them (`--no-broken-team`) sends the healthy team the same traffic.
 */
export function planMix(
  mix: SoakOptions["mix"],
  events: number,
  sameIdSources: number,
  random: () => number,
  brokenRandom: () => number,
): MixSlot[] {
  const special = [
    ...slots("duplicate", mix.duplicate, events),
    ...slots("slack-retry", mix.slackRetry, events),
    ...slots("unknown-team", mix.unknownTeam, events),
    ...slots("bad-signature", mix.badSignature, events),
    ...slots("odd", mix.oddPayloads, events),
    ...slots("large", mix.largePayloads, events),
    ...slots("deep", mix.deepPayloads, events),
    ...slots("oversized-id", mix.oversizedIds, events),
    ...slots("same-id", mix.sameIdSources, events, sameIdSources),
  ];
  const storms = slots("broken-team", mix.brokenTeam, events, BROKEN_TEAM_STORM);
  const taken = [...special, ...storms].reduce((sum, slot) => sum + slot.size, 0);
  const routable = Array.from(
    { length: Math.max(0, events - taken) },
    (): MixSlot => ({ kind: "routable", size: 1 }),
  );
  const plan = shuffle([...special, ...routable], random);
  for (const storm of storms) plan.splice(Math.floor(brokenRandom() * (plan.length + 1)), 0, storm);
  return plan;
}
