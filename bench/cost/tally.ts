/** Named running totals that can be snapshotted, so one case's share is the difference of two snapshots. */
export class Tally {
  private readonly totals = new Map<string, number>();

  add(name: string, amount = 1): void {
    this.totals.set(name, (this.totals.get(name) ?? 0) + amount);
  }

  snapshot(): Counts {
    return Object.fromEntries(this.totals);
  }
}

export type Counts = Readonly<Record<string, number>>;

/** `after - before`, name by name, zeros left out. */
export function countsSince(before: Counts, after: Counts): Counts {
  const out: Record<string, number> = {};
  for (const [name, value] of Object.entries(after)) {
    const delta = value - (before[name] ?? 0);
    if (delta !== 0) out[name] = delta;
  }
  return out;
}

/** The entries whose name starts with `prefix`, the prefix removed. */
export function withPrefix(counts: Counts, prefix: string): Counts {
  return Object.fromEntries(
    Object.entries(counts)
      .filter(([name]) => name.startsWith(prefix))
      .map(([name, value]) => [name.slice(prefix.length), value]),
  );
}

export const sumOf = (counts: Counts) => Object.values(counts).reduce((sum, n) => sum + n, 0);
