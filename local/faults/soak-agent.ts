import { createHash } from "node:crypto";
import { createServer, type ServerResponse } from "node:http";
import type { AddressInfo, Socket } from "node:net";
import { splitAgentRequestBody } from "../../shared/agent/agent-request";
import { verifyStandardWebhook } from "../../shared/crypto/standard-webhooks";
import { lowerCaseHeaders } from "../../shared/http/webhook-request";
import { readBody } from "../agent/demo-agent";

/** How the agent answers one request. */
export type AgentAnswer =
  | { kind: "accept" }
  | { kind: "status"; status: number; retryAfterSeconds?: number }
  /** Holds the request for `ms` (longer than the router waits), then takes the event all the same. */
  | { kind: "hang"; ms: number };

/** A payload text by its UTF-8 bytes: compared with what the sender signed without keeping it. */
export interface PayloadDigest {
  sha256: string;
  bytes: number;
}

export function payloadDigest(text: string): PayloadDigest {
  const bytes = Buffer.from(text, "utf8");
  return { sha256: createHash("sha256").update(bytes).digest("hex"), bytes: bytes.length };
}

/** One request that reached the agent with a valid router signature. */
export interface AgentRequestRecord {
  /** The request's `delivery_key`: the namespaced key the router's idempotency guard uses too. */
  key: string;
  eventId: string;
  /**
   * The payload's text as the agent received it; absent when the body is not an agent request
   * (`agentRequestBody`'s metadata followed by the payload text).
   */
  payload?: PayloadDigest;
  /** What the agent answered (200 for an accepted one, hung ones included). */
  status: number;
  /** When the request reached the agent, and when the agent took or refused it (ms since the epoch). */
  receivedAt: number;
  at: number;
  /**
   * Answered after the caller had gone (the router timed out, or was killed with the request in
   * flight): the agent has the event, the router never heard so and sends it again.
   */
  callerGone: boolean;
}

export interface SoakAgent {
  url: string;
  records: AgentRequestRecord[];
  /** Requests whose router signature did not verify (must stay 0). */
  unverified: number;
  /** Closes the listener and every connection for `ms`: calls are refused, then it is back. */
  goDown(ms: number): Promise<void>;
  stop(): Promise<void>;
}

const wait = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

function jsonObject(text: string): Record<string, unknown> | undefined {
  try {
    const value: unknown = JSON.parse(text);
    return typeof value === "object" && value !== null ? (value as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

/**
 * The team's agent as the soak sees it: verifies the router's Standard Webhooks signature, answers
 * each request as `answer` decides (accept, an error status, a hang) and records every request by
 * delivery key with a digest of its payload text, so the soak can count what the agent accepted,
 * how often, and whether it got the bytes the sender signed.
 */
export async function startSoakAgent(options: {
  signingSecrets: readonly string[];
  answer: () => AgentAnswer;
}): Promise<SoakAgent> {
  const records: AgentRequestRecord[] = [];
  let unverified = 0;
  let downWindows = 0;

  const reply = (res: ServerResponse, status: number, headers: Record<string, string> = {}) => {
    res.writeHead(status, { "content-type": "application/json", ...headers });
    res.end(JSON.stringify(status < 300 ? { ok: true } : { error: "soak fault" }));
  };

  const server = createServer(async (req, res) => {
    const receivedAt = Date.now();
    // Down: a request on a connection opened before is reset unread, as if the host had gone.
    if (downWindows > 0) return void req.socket.destroy();
    const body = await readBody(req).catch(() => undefined);
    if (!body) return;
    const headers = lowerCaseHeaders(req.headers as Record<string, string>);
    if (!verifyStandardWebhook(headers, body, options.signingSecrets, new Date()).ok) {
      unverified += 1;
      return void reply(res, 401);
    }
    const text = body.toString("utf8");
    const request = splitAgentRequestBody(text);
    // Not an agent request: still keyed if it is JSON naming its delivery, so it is reconciled.
    const meta = request?.meta ?? jsonObject(text);
    const record = {
      key: String(meta?.delivery_key ?? ""),
      eventId: String(meta?.id ?? ""),
      ...(request ? { payload: payloadDigest(request.payloadText) } : {}),
      receivedAt,
    };
    let callerGone = false;
    res.once("close", () => {
      callerGone = true;
    });
    const answer = options.answer();
    // A hang holds the request past the router's timeout; otherwise one I/O turn, so that a close
    // already on its way (the router killed with this request in flight) is seen before answering.
    await (answer.kind === "hang" ? wait(answer.ms) : new Promise((resolve) => setImmediate(resolve)));
    // The agent does the work either way; the router hears the answer only if it is still there.
    const status = answer.kind === "status" ? answer.status : 200;
    records.push({ ...record, status, at: Date.now(), callerGone });
    if (callerGone) return;
    const retryAfter =
      answer.kind === "status" && answer.retryAfterSeconds !== undefined
        ? { "retry-after": String(answer.retryAfterSeconds) }
        : undefined;
    reply(res, status, retryAfter);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  const sockets = new Set<Socket>();
  server.on("connection", (socket) => {
    sockets.add(socket);
    socket.once("close", () => sockets.delete(socket));
  });

  return {
    url: `http://127.0.0.1:${port}/events`,
    records,
    get unverified() {
      return unverified;
    },
    goDown: async (ms) => {
      // Windows may overlap: the agent is back when the last one ends. New connections are refused
      // and idle ones closed; requests already being answered finish (their answer is not lost).
      if (downWindows++ === 0) {
        server.close();
        server.closeIdleConnections();
      }
      await wait(ms);
      if (--downWindows === 0) {
        await new Promise<void>((resolve) => server.listen(port, "127.0.0.1", resolve));
      }
    },
    stop: async () => {
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      for (const socket of sockets) socket.destroy();
      await closed;
    },
  };
}
