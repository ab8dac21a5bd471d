import { createServer, type IncomingHttpHeaders } from "node:http";
import type { AddressInfo } from "node:net";

export interface SlackPost {
  path: string;
  headers: IncomingHttpHeaders;
  json: Record<string, unknown>;
}

export interface FakeSlack {
  /** The Web API base URL (what SLACK_API_URL is set to). */
  apiUrl: string;
  posts: SlackPost[];
  /** The answer to the following posts: Slack's `{ok: true}` unless told otherwise. */
  answer(status: number, body: unknown): void;
  close(): Promise<void>;
}

/** A local stand-in for the Slack Web API's chat.postMessage. */
export async function startFakeSlack(): Promise<FakeSlack> {
  let reply: { status: number; body: unknown } = { status: 200, body: { ok: true, ts: "1700000000.000100" } };
  const posts: SlackPost[] = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (chunk: Buffer) => chunks.push(chunk));
    req.on("end", () => {
      let json: Record<string, unknown> = {};
      try {
        json = JSON.parse(Buffer.concat(chunks).toString("utf8"));
      } catch {
        // left empty
      }
      posts.push({ path: req.url ?? "", headers: req.headers, json });
      res.writeHead(reply.status, { "content-type": "application/json" });
      res.end(JSON.stringify(reply.body));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    apiUrl: `http://127.0.0.1:${port}/api`,
    posts,
    answer(status, body) {
      reply = { status, body };
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
