import { Agent, createServer, type IncomingHttpHeaders, request } from "node:http";
import type { AddressInfo, Socket } from "node:net";
import { readBody } from "../../local/agent/demo-agent";

/** One request that went through the proxy, with the upstream's whole answer. */
export interface ObservedExchange {
  headers: IncomingHttpHeaders;
  requestBody: Buffer;
  status: number;
  responseBody: Buffer;
}

export interface MeterProxy {
  url: string;
  /** Where requests go; until it is set they wait (the event source polls before the pipeline has described itself). */
  setUpstream(url: string): void;
  stop(): Promise<void>;
}

/** Resolves when a request may go on: lets the caller hold some requests back for a while. */
export type ProxyGate = (headers: IncomingHttpHeaders) => Promise<void>;

/**
 * A transparent HTTP proxy in front of an AWS emulator, like the soak's fault proxy
 * (local/faults/fault-proxy.ts) but for counting: it forwards every request unchanged, once `gate`
 * lets it, and hands each exchange (request and response bodies in full) to `observe` once the
 * client has its answer.
 */
export async function startMeterProxy(
  observe: (exchange: ObservedExchange) => void,
  gate: ProxyGate = async () => undefined,
): Promise<MeterProxy> {
  let setUpstream!: (url: URL) => void;
  const upstream = new Promise<URL>((resolve) => {
    setUpstream = resolve;
  });
  const pool = new Agent({ keepAlive: true, maxSockets: 64 });
  const sockets = new Set<Socket>();

  const server = createServer(async (req, res) => {
    const requestBody = await readBody(req).catch(() => undefined);
    if (!requestBody) return;
    const target = await upstream;
    await gate(req.headers);
    const forwarded = request(
      target,
      { method: req.method, path: req.url, headers: req.headers, agent: pool },
      async (answer) => {
        const responseBody = await readBody(answer);
        res.writeHead(answer.statusCode ?? 502, answer.headers);
        res.end(responseBody);
        observe({ headers: req.headers, requestBody, status: answer.statusCode ?? 502, responseBody });
      },
    );
    forwarded.on("error", () => req.socket.destroy());
    forwarded.end(requestBody);
  });
  server.on("connection", (socket) => {
    sockets.add(socket);
    socket.once("close", () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    setUpstream: (url) => setUpstream(new URL(url)),
    stop: async () => {
      for (const socket of sockets) socket.destroy();
      pool.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
