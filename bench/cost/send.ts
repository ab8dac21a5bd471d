import type { AgentDelivery } from "../../local/agent/demo-agent";
import type { CostCase } from "./cases";

/** What sending a case's webhooks got back from ingest. */
export interface SentWebhooks {
  ids: string[];
  bodyBytes: number;
  response: { status: number; bytes: number; userAgent: string; path: string };
}

/**
 * Posts `count` freshly signed webhooks of a case to the local API, `concurrency` at a time, fast
 * enough that the router's batches fill. Every one must be accepted: a case that is not priced on
 * accepted events would price the wrong path.
 */
export async function sendWebhooks(
  apiUrl: string,
  costCase: CostCase,
  secrets: { slack: string; github: string },
  count: number,
  concurrency = 1,
): Promise<SentWebhooks> {
  const ids: string[] = [];
  let bodyBytes = 0;
  let response: SentWebhooks["response"] | undefined;
  let next = 0;
  const worker = async () => {
    while (next < count) {
      next += 1;
      const webhook = costCase.build(secrets, new Date());
      const answer = await fetch(`${apiUrl}${webhook.path}`, {
        method: "POST",
        headers: webhook.headers,
        body: webhook.body,
      });
      const text = await answer.text();
      const parsed = JSON.parse(text) as { status?: string; id?: string };
      if (answer.status !== 200 || parsed.status !== "accepted" || !parsed.id) {
        throw new Error(`${costCase.name}: ingest answered ${answer.status} ${text}`);
      }
      ids.push(parsed.id);
      bodyBytes += Buffer.byteLength(webhook.body);
      response = {
        status: answer.status,
        bytes: Buffer.byteLength(text),
        userAgent: webhook.headers["user-agent"] ?? "-",
        path: webhook.path,
      };
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
  return { ids, bodyBytes: bodyBytes / count, response: response! };
}

/** Waits until the demo agent has every one of `ids`, exactly once. */
export async function waitForDeliveries(agentUrl: string, ids: readonly string[], timeoutMs: number) {
  const deliveriesUrl = agentUrl.replace(/\/events$/, "/deliveries");
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const deliveries = (await (await fetch(deliveriesUrl)).json()) as AgentDelivery[];
    const wanted = new Set(ids);
    const got = deliveries.filter((d) => wanted.has(d.id));
    if (got.length > ids.length) throw new Error(`${got.length - ids.length} events reached the agent twice`);
    if (got.length === ids.length) return;
    if (Date.now() > deadline) {
      throw new Error(
        `only ${got.length} of ${ids.length} events reached the agent in ${timeoutMs / 1000} s`,
      );
    }
    await new Promise((r) => setTimeout(r, 250));
  }
}
