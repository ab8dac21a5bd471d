import type { RequestRecord } from "./request-record";

/** What the cap decides for one record. */
export type CapDecision =
  | { kind: "write" }
  /** Over the cap: counted in the summary of its source, reason and minute. */
  | { kind: "count" };

/** The counts of the records held back, per source, reason and minute, ready to be added to their summary. */
export interface SuppressedCount {
  /** `<provider>[:<source>]:<status>:<reason>`. */
  group: string;
  /** The minute the records fell in (ISO, seconds zeroed). */
  window: string;
  count: number;
  sample: RequestRecord;
}

export interface FloodCapOptions {
  /** Records kept one by one per source, reason and minute. */
  perMinute: number;
  /** How long counted records wait before their count is written (at most one write per group this often). */
  flushEveryMs: number;
  now?: () => number;
}

interface Group {
  window: number;
  written: number;
  pending: number;
  lastFlush: number;
  sample?: RequestRecord;
}

const MINUTE_MS = 60_000;

/**
 * Bounds what a flood of refused requests costs: per source, reason and minute, the first
 * `perMinute` records are kept one by one and the rest only counted, the count written as one
 * summary at most every `flushEveryMs` per group. Per container: a flood spread over many
 * containers keeps at most `perMinute` each.
 */
export class FloodCap {
  private readonly groups = new Map<string, Group>();
  /** Counts of minutes that ended with records still pending, due at the next write. */
  private readonly carry: SuppressedCount[] = [];
  private readonly now: () => number;

  constructor(private readonly options: FloodCapOptions) {
    this.now = options.now ?? Date.now;
  }

  decide(record: RequestRecord): CapDecision {
    const now = this.now();
    const key = groupOf(record);
    const window = now - (now % MINUTE_MS);
    let group = this.groups.get(key);
    if (!group || group.window !== window) {
      const carried = group?.pending ? group : undefined;
      group = { window, written: 0, pending: 0, lastFlush: now };
      this.groups.set(key, group);
      if (carried) this.carry.push(summaryOf(key, carried));
    }
    if (group.written < this.options.perMinute) {
      group.written += 1;
      return { kind: "write" };
    }
    group.pending += 1;
    group.sample ??= record;
    return { kind: "count" };
  }

  /** The counts due to be written now (a group's past minutes, or a minute due for its periodic write). */
  due(): SuppressedCount[] {
    const now = this.now();
    const out = this.carry.splice(0);
    for (const [key, group] of this.groups) {
      if (group.pending > 0 && now - group.lastFlush >= this.options.flushEveryMs) {
        out.push(summaryOf(key, group));
        group.pending = 0;
        group.lastFlush = now;
      }
    }
    return out;
  }

  /** Every count not yet written, whatever its age (before the function is frozen, in tests). */
  drain(): SuppressedCount[] {
    const out = this.carry.splice(0);
    for (const [key, group] of this.groups) {
      if (group.pending > 0) {
        out.push(summaryOf(key, group));
        group.pending = 0;
        group.lastFlush = this.now();
      }
    }
    return out;
  }
}

function groupOf(r: RequestRecord): string {
  return [r.provider ?? "unknown", ...(r.source ? [r.source] : []), r.status, r.reason].join(":");
}

function summaryOf(group: string, g: Group): SuppressedCount {
  return { group, window: new Date(g.window).toISOString(), count: g.pending, sample: g.sample! };
}
