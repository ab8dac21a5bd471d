import type { SoakWebhook } from "./webhooks";

/** How one webhook ended for its sender, after its retries. */
export interface SendResult {
  webhook: Omit<SoakWebhook, "headers" | "body">;
  /** Every HTTP status it got, in order (0: no answer). */
  statuses: number[];
  outcome: "accepted" | "ignored" | "refused";
  /**
   * The envelope ids ingest answered with when it accepted. None for an empty acknowledgement (Slack
   * interactivity gets Bolt's empty 200): reconciliation finds them by delivery key.
   */
  ids: string[];
}

/** At most `size` requests in flight; the rest wait their turn. */
class Slots {
  private free: number;
  private readonly waiting: Array<() => void> = [];
  constructor(size: number) {
    this.free = size;
  }
  acquire(): Promise<void> {
    if (this.free > 0) {
      this.free -= 1;
      return Promise.resolve();
    }
    return new Promise((resolve) => this.waiting.push(resolve));
  }
  release(): void {
    const next = this.waiting.shift();
    if (next) next();
    else this.free += 1;
  }
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Statuses a provider retries: ours (queue down: 503) and the API's own 5xx or throttling. */
const retryable = (status: number) => status === 0 || status === 429 || status >= 500;

/**
 * Posts webhooks the way providers do: one request at a time per delivery, at most `concurrency`
 * in flight, and on a 5xx or no answer the same delivery again with exponential backoff, up to
 * `attempts` in all (Slack marks its retries with X-Slack-Retry-Num).
 */
export class WebhookSender {
  private readonly slots: Slots;

  constructor(
    private readonly apiUrl: string,
    concurrency: number,
    private readonly attempts: number,
    private readonly random: () => number,
  ) {
    this.slots = new Slots(concurrency);
  }

  /** Resolves when a request may start: the caller then builds its webhook and calls `send`. */
  turn(): Promise<void> {
    return this.slots.acquire();
  }

  /** Gives back a turn the caller has nothing to send for. */
  pass(): void {
    this.slots.release();
  }

  /** Sends a webhook whose turn the caller already has. */
  async send(webhook: SoakWebhook): Promise<SendResult> {
    const { headers, body, ...described } = webhook;
    const statuses: number[] = [];
    for (let attempt = 1; ; attempt++) {
      if (attempt > 1) await this.slots.acquire();
      const retryHeaders: Record<string, string> =
        attempt > 1 && webhook.provider === "slack"
          ? {
              "x-slack-retry-num": String(Number(headers["x-slack-retry-num"] ?? 0) + attempt - 1),
              "x-slack-retry-reason": "http_error",
            }
          : {};
      const answer = await this.post(webhook.path, { ...headers, ...retryHeaders }, body).finally(() =>
        this.slots.release(),
      );
      statuses.push(answer.status);
      if (answer.status === 200) {
        // An empty 200 is how ingest acknowledges a route that must answer with no body: taken.
        const accepted = answer.empty || answer.json?.status === "accepted";
        const ids =
          answer.json?.status === "accepted" ? ((answer.json.ids ?? [answer.json.id]) as string[]) : [];
        return { webhook: described, statuses, outcome: accepted ? "accepted" : "ignored", ids };
      }
      if (!retryable(answer.status) || attempt >= this.attempts) {
        return { webhook: described, statuses, outcome: "refused", ids: [] };
      }
      await sleep(500 * 2 ** (attempt - 1) * (0.5 + this.random()));
    }
  }

  private async post(
    path: string,
    headers: Record<string, string>,
    body: string,
  ): Promise<{ status: number; empty?: boolean; json?: Record<string, unknown> }> {
    try {
      const response = await fetch(`${this.apiUrl}${path}`, {
        method: "POST",
        headers,
        body,
        signal: AbortSignal.timeout(30_000),
      });
      const text = await response.text();
      let json: Record<string, unknown> | undefined;
      try {
        json = JSON.parse(text) as Record<string, unknown>;
      } catch {
        // Not JSON: the status says enough.
      }
      return { status: response.status, empty: text === "", ...(json ? { json } : {}) };
    } catch {
      return { status: 0 };
    }
  }
}
