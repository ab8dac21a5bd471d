import type { SlackNotice, SlackNotifier } from "../../slack/slack-notifier";

export interface SlackWebApiNotifierOptions {
  /** Slack Web API base URL, `https://slack.com/api` unless a test points it elsewhere. */
  apiUrl: string;
  /** The bot token (`xoxb-…`), read per call so a rotation is picked up. */
  botToken: () => Promise<string>;
  timeoutMs: number;
  fetch?: typeof fetch;
}

export class SlackApiError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "SlackApiError";
  }
}

/** Posts with `chat.postMessage`. Slack answers 200 with `{ok: false, error}` for most refusals. */
export class SlackWebApiNotifier implements SlackNotifier {
  constructor(private readonly options: SlackWebApiNotifierOptions) {}

  async notify(notice: SlackNotice): Promise<void> {
    const token = await this.options.botToken();
    const url = `${this.options.apiUrl.replace(/\/+$/, "")}/chat.postMessage`;
    const response = await (this.options.fetch ?? fetch)(url, {
      method: "POST",
      headers: { "content-type": "application/json; charset=utf-8", authorization: `Bearer ${token}` },
      body: JSON.stringify({
        channel: notice.channel,
        text: notice.text,
        ...(notice.threadTs ? { thread_ts: notice.threadTs } : {}),
        unfurl_links: false,
      }),
      signal: AbortSignal.timeout(this.options.timeoutMs),
    });
    if (!response.ok) throw new SlackApiError(`chat.postMessage answered HTTP ${response.status}`);
    const body = (await response.json().catch(() => undefined)) as
      | { ok?: boolean; error?: string }
      | undefined;
    if (!body?.ok) throw new SlackApiError(`chat.postMessage refused: ${body?.error ?? "no JSON answer"}`);
  }
}
