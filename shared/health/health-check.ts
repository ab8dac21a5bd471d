import type { WebhookRequest } from "../http/webhook-request";

/** Answered by the ingest function beside the webhook routes (GET only). */
export const HEALTH_PATH = "/health";

/** The webhook queue as the health check sees it: `probe` resolves when the queue answers. */
export interface QueueProbe {
  probe(): Promise<void>;
}

/** The body of every health answer, 200 or 503 alike. */
export interface HealthReport {
  status: "ok" | "unavailable";
  version: string;
  queue: "reachable" | "unreachable";
  /** When the queue was last asked (answers are cached). */
  checked_at: string;
}

export interface HealthAnswer {
  statusCode: 200 | 405 | 503;
  body: HealthReport | { error: string };
  headers?: Record<string, string>;
  /** Why the queue is unreachable (for the log, never in the body). */
  problem?: string;
}

export interface HealthCheckOptions {
  queue: QueueProbe;
  version: string;
  /** How long one answer of the queue is reused: health checks then cost no queue call. */
  cacheSeconds: number;
  /** A queue that has not answered by then counts as unreachable. */
  timeoutMs?: number;
  now?: () => Date;
}

interface Probed {
  report: HealthReport;
  problem?: string;
}

const PROBE_TIMEOUT_MS = 2_000;

export const isHealthPath = (path: string) => path.replace(/\/+$/, "") === HEALTH_PATH;

/** Whether the ingest function can see its queue, asked at most once per cache period. */
export class HealthCheck {
  private cached: { until: number; probed: Promise<Probed> } | undefined;
  private readonly now: () => Date;

  constructor(private readonly options: HealthCheckOptions) {
    this.now = options.now ?? (() => new Date());
  }

  async answer(req: WebhookRequest): Promise<HealthAnswer> {
    if (req.method.toUpperCase() !== "GET") {
      return { statusCode: 405, body: { error: `use GET for ${HEALTH_PATH}` }, headers: { allow: "GET" } };
    }
    const { report, problem } = await this.probed();
    return {
      statusCode: report.queue === "reachable" ? 200 : 503,
      body: report,
      ...(problem ? { problem } : {}),
    };
  }

  /** Concurrent requests within one cache period share one probe (and its result, good or bad). */
  private probed(): Promise<Probed> {
    const now = this.now();
    if (this.cached && now.getTime() < this.cached.until) return this.cached.probed;
    const probed = this.probe(now);
    this.cached = { until: now.getTime() + this.options.cacheSeconds * 1000, probed };
    return probed;
  }

  private async probe(at: Date): Promise<Probed> {
    const report = (reachable: boolean): HealthReport => ({
      status: reachable ? "ok" : "unavailable",
      version: this.options.version,
      queue: reachable ? "reachable" : "unreachable",
      checked_at: at.toISOString(),
    });
    const timeoutMs = this.options.timeoutMs ?? PROBE_TIMEOUT_MS;
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(
        () => reject(new Error(`the queue did not answer within ${timeoutMs} ms`)),
        timeoutMs,
      );
    });
    try {
      await Promise.race([this.options.queue.probe(), timeout]);
      return { report: report(true) };
    } catch (error) {
      return { report: report(false), problem: (error as Error).message };
    } finally {
      clearTimeout(timer);
    }
  }
}
