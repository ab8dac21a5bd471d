import type { PipelineState } from "./collect";

/** One time the router sent an event back to the queue for later, as its `retrying` record said. */
export interface Deferral {
  eventId: string;
  /** When the router recorded it (ms since the epoch). */
  at: number;
  team?: string;
  reason: string;
  attempts?: number;
}

/**
 * Reads an updated record at most this long after a later one: several router invocations write at
 * once, so a record stamped a moment before the newest seen may land after it.
 */
const OVERLAP_MS = 10_000;

/**
 * Every deferral the router records while the soak runs. The events table keeps an event's latest
 * outcome only, so a `retrying` record later overwritten by `delivered` is seen only if read in
 * between: the watch reads new `retrying` records every second, and a deferral lasts at least the
 * retry backoff (seconds), so it sees all but the ones whose record could not be written.
 */
export class DeferralWatch {
  readonly deferrals: Deferral[] = [];
  private readonly seen = new Set<string>();
  private newest = new Date(0).toISOString();
  private readonly timer: NodeJS.Timeout;
  private current: Promise<void> | undefined;

  constructor(private readonly state: PipelineState) {
    this.timer = setInterval(() => void this.read(), 1_000);
  }

  /** Stops watching after one last read. */
  async stop(): Promise<void> {
    clearInterval(this.timer);
    await this.current;
    await this.read();
  }

  /** One reading at a time: a slow one is not overtaken by the next tick's. */
  private read(): Promise<void> {
    this.current ??= this.readNew().finally(() => {
      this.current = undefined;
    });
    return this.current;
  }

  private async readNew(): Promise<void> {
    try {
      const since = new Date(Date.parse(this.newest) - OVERLAP_MS).toISOString();
      for (const row of await this.state.retryingSince(since)) {
        const id = `${row.event_id}@${row.updated_at}`;
        if (this.seen.has(id)) continue;
        this.seen.add(id);
        if (row.updated_at > this.newest) this.newest = row.updated_at;
        this.deferrals.push({
          eventId: row.event_id,
          at: Date.parse(row.updated_at),
          ...(row.team_node_id ? { team: row.team_node_id } : {}),
          reason: row.last_error ?? "",
          ...(row.attempts !== undefined ? { attempts: row.attempts } : {}),
        });
      }
    } catch {
      // The next reading will do: DynamoDB Local may be busy.
    }
  }
}
