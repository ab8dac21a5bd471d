import { createServer, type IncomingMessage, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { splitAgentRequestBody } from "../../shared/agent/agent-request";
import { verifyStandardWebhook } from "../../shared/crypto/standard-webhooks";
import { lowerCaseHeaders } from "../../shared/http/webhook-request";

export interface AgentDelivery {
  id: string;
  delivery_key: string;
  provider: string;
  event_type: string;
  team: { org_id: string; team_node_id: string; matched_by: string; identifier: string };
  received_at: string;
  correlation_id?: string;
  /** Bytes of the payload's text as the agent received it: the provider's own bytes (large-payload checks compare these). */
  payload_bytes: number;
}

export interface DemoAgent {
  url: string;
  server: Server;
  deliveries: AgentDelivery[];
  stop(): Promise<void>;
}

/** The whole request body. */
export const readBody = (req: IncomingMessage) =>
  new Promise<Buffer>((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => resolve(Buffer.concat(chunks)));
    req.on("error", reject);
  });

/**
 * A stand-in for a team's investigation agent: verifies the router's Standard Webhooks signature
 * and keeps what it got, logging only what it refuses (the router's outcome line already says what
 * it accepted). `GET /deliveries` lists what arrived (tests and benchmarks count
 * them); `PUT /behaviour {"status": 500}` makes it answer with that status from then on.
 */
export async function startDemoAgent(options: {
  port: number;
  signingSecrets: readonly string[];
  log?: (line: string) => void;
}): Promise<DemoAgent> {
  const deliveries: AgentDelivery[] = [];
  let forcedStatus: number | undefined;
  const server = createServer(async (req, res) => {
    const body = await readBody(req);
    const reply = (status: number, value: unknown) => {
      res.writeHead(status, { "content-type": "application/json" });
      res.end(JSON.stringify(value));
    };
    if (req.method === "GET" && req.url === "/deliveries") return reply(200, deliveries);
    if (req.method === "PUT" && req.url === "/behaviour") {
      const status = Number(JSON.parse(body.toString() || "{}").status);
      forcedStatus = Number.isInteger(status) && status >= 200 && status < 600 ? status : undefined;
      return reply(200, { status: forcedStatus ?? "normal" });
    }
    if (req.method !== "POST") return reply(405, { error: "POST an event, or GET /deliveries" });
    const headers = lowerCaseHeaders(req.headers as Record<string, string>);
    const verification = verifyStandardWebhook(headers, body, options.signingSecrets, new Date());
    if (!verification.ok) {
      options.log?.(`agent: refused a request: ${verification.problem}`);
      return reply(401, { error: verification.problem });
    }
    if (forcedStatus !== undefined && forcedStatus >= 300)
      return reply(forcedStatus, { error: "forced failure" });
    const request = splitAgentRequestBody(body.toString("utf8"));
    if (!request) return reply(400, { error: "the body is not an agent request" });
    const { meta, payloadText } = request;
    const delivery: AgentDelivery = {
      id: meta.id,
      delivery_key: meta.delivery_key,
      provider: meta.provider,
      event_type: meta.event_type,
      team: meta.team,
      received_at: meta.received_at,
      correlation_id: headers["x-correlation-id"],
      payload_bytes: Buffer.byteLength(payloadText, "utf8"),
    };
    deliveries.push(delivery);
    reply(200, { ok: true });
  });
  await new Promise<void>((resolve) => server.listen(options.port, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/events`,
    server,
    deliveries,
    stop: () => new Promise((resolve) => server.close(() => resolve())),
  };
}
