import { createServer, type IncomingHttpHeaders, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo, Socket } from "node:net";

export interface ReceivedCall {
  headers: IncomingHttpHeaders;
  /** The body bytes exactly as they arrived. */
  raw: Buffer;
  /** 1 for the server's first connection, 2 for the next, … */
  connection: number;
}

/** How the server answers one call, once its whole body has arrived. */
export type Answer = (response: ServerResponse, call: ReceivedCall) => void;

export interface LocalAgentServer {
  url: string;
  calls: ReceivedCall[];
  /** Connections accepted so far. */
  opened(): number;
  /** Resolves once connection number `n` has been closed (by either side). */
  closedConnection(n: number): Promise<void>;
  answerWith(answer: Answer): void;
  close(): Promise<void>;
}

/** A real HTTP server on 127.0.0.1 standing in for an agent, tracking its connections. */
export async function startLocalAgentServer(): Promise<LocalAgentServer> {
  let answer: Answer = (response) => response.writeHead(202).end();
  const calls: ReceivedCall[] = [];
  const sockets: Socket[] = [];
  const closed = new Map<number, Promise<void>>();
  const server = createServer((request: IncomingMessage, response: ServerResponse) => {
    const chunks: Buffer[] = [];
    request.on("data", (chunk: Buffer) => chunks.push(chunk));
    request.on("end", () => {
      const call = {
        headers: request.headers,
        raw: Buffer.concat(chunks),
        connection: sockets.indexOf(request.socket) + 1,
      };
      calls.push(call);
      // Writes after the client went away are expected in the endless-body answers.
      response.on("error", () => undefined);
      answer(response, call);
    });
  });
  server.on("connection", (socket: Socket) => {
    sockets.push(socket);
    closed.set(sockets.length, new Promise((resolve) => socket.once("close", () => resolve())));
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/invoke`,
    calls,
    opened: () => sockets.length,
    closedConnection: (n) => closed.get(n) ?? Promise.reject(new Error(`no connection ${n}`)),
    answerWith(next) {
      answer = next;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** Writes `status`, then body bytes as fast as the client reads them, forever. */
export function streamForever(status: number): Answer {
  return (response) => {
    response.writeHead(status, { "content-type": "text/plain" });
    const chunk = Buffer.alloc(16 * 1024, "x");
    const pump = () => {
      while (!response.destroyed && response.write(chunk)) {
        // keep writing until the socket's buffer is full
      }
      if (!response.destroyed) response.once("drain", pump);
    };
    pump();
  };
}

/** Writes `status`, then one body byte every `everyMs`, forever. */
export function trickleForever(status: number, everyMs = 20): Answer {
  return (response) => {
    response.writeHead(status, { "content-type": "text/plain" });
    const timer = setInterval(() => response.write("x"), everyMs);
    response.on("close", () => clearInterval(timer));
  };
}

/** A port nothing listens on (bound, then released). */
export async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}
