import type { IncomingHttpHeaders } from "node:http";
import { startForwardingServer } from "./forwarding-server";

/** What the proxy does with one request. */
export type ProxyVerdict =
  | { kind: "forward" }
  /** Answer in the upstream's place (a throttle, a server error): the request never reaches it. */
  | { kind: "answer"; status: number; headers: Record<string, string>; body: string }
  /** Reset the client's connection (RST): the upstream looks unreachable. */
  | { kind: "reset" };

/** Decides per request; `name` is the label the verdict is counted under (`forwarded` for a forward). */
export type ProxyRule = (request: {
  method: string;
  url: string;
  headers: IncomingHttpHeaders;
  body: Buffer;
}) => ProxyVerdict & { name?: string };

export interface FaultProxy {
  url: string;
  /** Where forwarded requests go; set once the upstream (an emulator in another process) is known. */
  setUpstream(url: string): void;
  /** Resets every open client connection, keep-alive ones too: an outage starts for everyone at once. */
  resetConnections(): void;
  /** How many requests got each verdict. */
  counts: Map<string, number>;
  stop(): Promise<void>;
}

/**
 * A transparent HTTP proxy in front of an AWS emulator (DynamoDB Local, fauxqs) that the SDK clients
 * under test are pointed at: it forwards every request unchanged unless the rule injects a fault instead.
 */
export async function startFaultProxy(rule: ProxyRule): Promise<FaultProxy> {
  let upstream: URL | undefined;
  const counts = new Map<string, number>();
  const count = (name: string) => counts.set(name, (counts.get(name) ?? 0) + 1);

  const server = await startForwardingServer((req, res, body, forward) => {
    const verdict = rule({ method: req.method ?? "GET", url: req.url ?? "/", headers: req.headers, body });
    count(verdict.name ?? (verdict.kind === "forward" ? "forwarded" : verdict.kind));
    if (verdict.kind === "reset") return void req.socket.resetAndDestroy();
    if (verdict.kind === "answer") {
      res.writeHead(verdict.status, verdict.headers);
      return void res.end(verdict.body);
    }
    if (!upstream) {
      res.writeHead(502, { "content-type": "text/plain" });
      return void res.end("fault proxy: no upstream yet");
    }
    forward(upstream, req, body, (answer) => {
      res.writeHead(answer.statusCode ?? 502, answer.headers);
      answer.pipe(res);
    });
  });
  return {
    url: server.url,
    setUpstream: (url) => {
      upstream = new URL(url);
    },
    resetConnections: () => {
      for (const socket of server.sockets) socket.resetAndDestroy();
    },
    counts,
    stop: server.stop,
  };
}
