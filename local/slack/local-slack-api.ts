import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";

export interface LocalSlackApi {
  url: string;
  messages: { channel: string; text: string }[];
  server: Server;
  stop(): Promise<void>;
}

/**
 * Answers `chat.postMessage` like Slack's Web API does (`{"ok": true}`), printing the message, so
 * the router's failure notices are visible on a laptop with no Slack workspace.
 */
export async function startLocalSlackApi(
  options: { log?: (line: string) => void } = {},
): Promise<LocalSlackApi> {
  const messages: LocalSlackApi["messages"] = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      const raw = Buffer.concat(chunks).toString("utf8");
      let body: Record<string, unknown> = {};
      try {
        body = req.headers["content-type"]?.includes("json")
          ? JSON.parse(raw)
          : Object.fromEntries(new URLSearchParams(raw));
      } catch {
        // An unreadable body is answered like Slack answers it.
      }
      res.writeHead(200, { "content-type": "application/json" });
      if (!req.url?.endsWith("/chat.postMessage") || typeof body.channel !== "string") {
        res.end(JSON.stringify({ ok: false, error: "invalid_arguments" }));
        return;
      }
      const message = { channel: body.channel, text: String(body.text ?? "") };
      messages.push(message);
      options.log?.(`slack: #${message.channel}: ${message.text}`);
      res.end(JSON.stringify({ ok: true, channel: message.channel, ts: `${Date.now() / 1000}` }));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/api`,
    messages,
    server,
    stop: () => new Promise((resolve) => server.close(() => resolve())),
  };
}
