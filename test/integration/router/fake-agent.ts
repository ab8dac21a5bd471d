import { createServer, type IncomingHttpHeaders, type Server } from "node:http";
import type { AddressInfo } from "node:net";

/** What the fake agent does with one request. */
export type AgentBehaviour =
  | { kind: "ok"; status?: number; delayMs?: number; stallBody?: boolean }
  | { kind: "fail"; status: number; retryAfter?: string; body?: string }
  /** Never answers (until the client gives up and closes the connection). */
  | { kind: "hang" };

export interface ReceivedAgentRequest {
  method: string;
  path: string;
  headers: IncomingHttpHeaders;
  /** The raw body bytes, exactly as sent (what a signature covers). */
  raw: Buffer;
  json: Record<string, unknown>;
  /** The socket it came on: the same number for calls over one kept-alive connection. */
  connection: number;
}

export interface FakeAgent {
  url: string;
  requests: ReceivedAgentRequest[];
  /** Connections opened so far. */
  connections(): number;
  /** Sets the behaviour for every following request (or per request with a function). */
  behave(behaviour: AgentBehaviour | ((request: ReceivedAgentRequest) => AgentBehaviour)): void;
  reset(): void;
  close(): Promise<void>;
}

/** A real local HTTP server standing in for a team's agent. */
export async function startFakeAgent(): Promise<FakeAgent> {
  let behaviour: AgentBehaviour | ((request: ReceivedAgentRequest) => AgentBehaviour) = { kind: "ok" };
  const requests: ReceivedAgentRequest[] = [];
  let connectionCount = 0;
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (chunk: Buffer) => chunks.push(chunk));
    req.on("end", () => {
      const raw = Buffer.concat(chunks);
      let json: Record<string, unknown> = {};
      try {
        json = JSON.parse(raw.toString("utf8"));
      } catch {
        // left empty: the test sees it
      }
      const received: ReceivedAgentRequest = {
        method: req.method ?? "",
        path: req.url ?? "",
        headers: req.headers,
        raw,
        json,
        connection: (req.socket as unknown as { connectionNumber: number }).connectionNumber,
      };
      requests.push(received);
      const what = typeof behaviour === "function" ? behaviour(received) : behaviour;
      if (what.kind === "hang") return;
      if (what.kind === "ok") {
        const answer = () => {
          res.writeHead(what.status ?? 202, { "content-type": "application/json" });
          if (what.stallBody)
            res.write('{"accepted":'); // headers sent, body never finished
          else res.end(JSON.stringify({ accepted: true }));
        };
        if (what.delayMs) setTimeout(answer, what.delayMs);
        else answer();
        return;
      }
      res.writeHead(what.status, {
        "content-type": "application/json",
        ...(what.retryAfter ? { "retry-after": what.retryAfter } : {}),
      });
      res.end(what.body ?? JSON.stringify({ error: `failing with ${what.status} on purpose` }));
    });
  });
  server.on("connection", (socket) => {
    connectionCount += 1;
    (socket as unknown as { connectionNumber: number }).connectionNumber = connectionCount;
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/invoke`,
    requests,
    connections: () => connectionCount,
    behave(next) {
      behaviour = next;
    },
    reset() {
      requests.length = 0;
      behaviour = { kind: "ok" };
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
