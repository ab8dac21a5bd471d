/** A seeded generator (mulberry32): the same --seed gives the same mix of webhooks and fault plan. */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

/** One element of a non-empty list, uniformly. */
export const pick = <T>(random: () => number, items: readonly T[]): T =>
  items[Math.floor(random() * items.length)]!;

/** One draw against cumulative weights: the first choice whose share it falls in, else `otherwise`. */
export function choose<T>(
  random: () => number,
  choices: ReadonlyArray<readonly [number, T]>,
  otherwise: T,
): T {
  let draw = random();
  for (const [weight, choice] of choices) {
    if (draw < weight) return choice;
    draw -= weight;
  }
  return otherwise;
}
