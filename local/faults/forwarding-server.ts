import { Agent, createServer, type IncomingMessage, request, type ServerResponse } from "node:http";
import type { AddressInfo, Socket } from "node:net";
import { readBody } from "../agent/demo-agent";

/**
 * Sends a request on unchanged (Host included: the emulators do not check signatures) over a
 * keep-alive pool; if the upstream cannot be reached the client's connection is dropped.
 */
export type Forward = (
  upstream: URL,
  req: IncomingMessage,
  body: Buffer,
  onAnswer: (answer: IncomingMessage) => void,
) => void;

export interface ForwardingServer {
  url: string;
  /** Every open client connection (keep-alive ones too). */
  sockets: ReadonlySet<Socket>;
  stop(): Promise<void>;
}

/**
 * What the soak's fault proxy and the cost tool's metering proxy share: a local HTTP server in front
 * of an AWS emulator that reads each request whole and hands it to `handle` with a way to forward it.
 * A request the client abandons before its body ends is dropped.
 */
export async function startForwardingServer(
  handle: (req: IncomingMessage, res: ServerResponse, body: Buffer, forward: Forward) => unknown,
): Promise<ForwardingServer> {
  const pool = new Agent({ keepAlive: true, maxSockets: 64 });
  const sockets = new Set<Socket>();
  const forward: Forward = (upstream, req, body, onAnswer) => {
    const forwarded = request(
      upstream,
      { method: req.method, path: req.url, headers: req.headers, agent: pool },
      onAnswer,
    );
    forwarded.on("error", () => req.socket.destroy());
    forwarded.end(body);
  };

  const server = createServer(async (req, res) => {
    const body = await readBody(req).catch(() => undefined);
    if (body) await handle(req, res, body, forward);
  });
  server.on("connection", (socket) => {
    sockets.add(socket);
    socket.once("close", () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    sockets,
    stop: async () => {
      for (const socket of sockets) socket.destroy();
      pool.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
