import type { IncomingHttpHeaders } from "node:http";
import { readBody } from "../../local/agent/demo-agent";
import { startForwardingServer } from "../../local/faults/forwarding-server";

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
 * A transparent HTTP proxy in front of an AWS emulator, on the same forwarding server as the soak's
 * fault proxy (local/faults/fault-proxy.ts) but for counting: it forwards every request unchanged, once `gate`
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

  const server = await startForwardingServer(async (req, res, requestBody, forward) => {
    const target = await upstream;
    await gate(req.headers);
    forward(target, req, requestBody, async (answer) => {
      const responseBody = await readBody(answer);
      res.writeHead(answer.statusCode ?? 502, answer.headers);
      res.end(responseBody);
      observe({ headers: req.headers, requestBody, status: answer.statusCode ?? 502, responseBody });
    });
  });
  return {
    url: server.url,
    setUpstream: (url) => setUpstream(new URL(url)),
    stop: server.stop,
  };
}
