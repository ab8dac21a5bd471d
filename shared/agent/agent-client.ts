import http from "node:http";
import https from "node:https";
import { standardWebhookHeaders } from "../crypto/standard-webhooks";
import type { AgentRequest } from "./agent-request";
import { type AgentResult, classifyStatus, parseRetryAfter } from "./agent-result";

/** The router's port onto the agents. Never throws for anything the agent or the network does. */
export interface AgentClient {
  deliver(url: string, request: AgentRequest, correlationId: string): Promise<AgentResult>;
}

export interface HttpAgentClientOptions {
  /** Whole-request deadline: connect, send, response headers and body. */
  timeoutMs: number;
  /** The secret to sign with (the first active one): read per call so a rotation is picked up. */
  signingSecret: () => Promise<string>;
  now?: () => Date;
  /** Sockets kept per agent host. */
  maxSockets?: number;
}

/** How much of an error response's body is kept for the events table. */
const ERROR_BODY_CHARS = 200;

class AgentTimeoutError extends Error {
  constructor(timeoutMs: number) {
    super(`agent did not answer within ${timeoutMs} ms`);
    this.name = "AgentTimeoutError";
  }
}

/**
 * Calls agents over HTTP(S) with keep-alive connections (one pool per process, reused by every warm
 * invocation), a Standard Webhooks signature over the exact body sent, and the correlation id.
 */
export class HttpAgentClient implements AgentClient {
  private readonly httpAgent: http.Agent;
  private readonly httpsAgent: https.Agent;
  private readonly now: () => Date;

  constructor(private readonly options: HttpAgentClientOptions) {
    const pool = { keepAlive: true, maxSockets: options.maxSockets ?? 50, keepAliveMsecs: 1000 };
    this.httpAgent = new http.Agent(pool);
    this.httpsAgent = new https.Agent(pool);
    this.now = options.now ?? (() => new Date());
  }

  async deliver(url: string, request: AgentRequest, correlationId: string): Promise<AgentResult> {
    const body = JSON.stringify(request);
    const headers = {
      "content-type": "application/json",
      "content-length": String(Buffer.byteLength(body, "utf8")),
      "user-agent": "webhook-pipeline-router",
      "x-correlation-id": correlationId,
      ...standardWebhookHeaders(await this.options.signingSecret(), request.id, body, this.now()),
    };
    const started = Date.now();
    try {
      const response = await this.post(url, headers, body);
      const durationMs = Date.now() - started;
      const kind = classifyStatus(response.status);
      if (kind === "delivered") return { outcome: "delivered", status: response.status, durationMs };
      const error = describeStatus(response.status, response.body);
      if (kind === "permanent") {
        return { outcome: "permanent", errorClass: "permanent", status: response.status, error, durationMs };
      }
      const retryAfterSeconds = parseRetryAfter(response.retryAfter, this.now());
      return {
        outcome: "retryable",
        errorClass: "retryable",
        status: response.status,
        error,
        ...(retryAfterSeconds !== undefined ? { retryAfterSeconds } : {}),
        durationMs,
      };
    } catch (error) {
      const durationMs = Date.now() - started;
      if (error instanceof AgentTimeoutError) {
        return { outcome: "retryable", errorClass: "timeout", error: error.message, durationMs };
      }
      return {
        outcome: "retryable",
        errorClass: "network",
        error: `agent unreachable: ${describeNetworkError(error)}`,
        durationMs,
      };
    }
  }

  /** Closes the pooled sockets (tests and the local runner; Lambda just freezes). */
  close(): void {
    this.httpAgent.destroy();
    this.httpsAgent.destroy();
  }

  private post(
    url: string,
    headers: Record<string, string>,
    body: string,
  ): Promise<{ status: number; body: string; retryAfter?: string }> {
    const target = new URL(url);
    const secure = target.protocol === "https:";
    if (!secure && target.protocol !== "http:") {
      return Promise.reject(new Error(`unsupported agent URL protocol '${target.protocol}'`));
    }
    return new Promise((resolve, reject) => {
      const request = (secure ? https : http).request(target, {
        method: "POST",
        headers,
        agent: secure ? this.httpsAgent : this.httpAgent,
      });
      const timer = setTimeout(() => {
        reject(new AgentTimeoutError(this.options.timeoutMs));
        request.destroy();
      }, this.options.timeoutMs);
      const fail = (error: Error) => {
        clearTimeout(timer);
        reject(error);
      };
      request.on("error", fail);
      request.on("response", (response) => {
        const status = response.statusCode ?? 0;
        if (classifyStatus(status) === "delivered") {
          // The status is the answer: accepted. Drain the body so the socket goes back to the pool.
          clearTimeout(timer);
          response.on("error", () => undefined);
          response.resume();
          resolve({ status, body: "" });
          return;
        }
        let text = "";
        response.setEncoding("utf8");
        response.on("data", (chunk: string) => {
          if (text.length < ERROR_BODY_CHARS) text += chunk;
        });
        response.on("end", () => {
          clearTimeout(timer);
          const retryAfter = response.headers["retry-after"];
          resolve({ status, body: text.slice(0, ERROR_BODY_CHARS), ...(retryAfter ? { retryAfter } : {}) });
        });
        response.on("error", fail);
        response.on("close", () => {
          if (!response.complete) fail(new Error("connection closed before the response was complete"));
        });
      });
      request.end(body);
    });
  }
}

/** Anything in an agent's error body that looks like a signature, signing secret or token (an agent may echo them). */
const SECRET_LOOKING = /v1,[A-Za-z0-9+/=]{8,}|whsec_[A-Za-z0-9+/=]+|xox[a-z]-[A-Za-z0-9-]+|Bearer\s+\S+/g;

function describeStatus(status: number, body: string): string {
  const snippet = body.replace(/\s+/g, " ").replace(SECRET_LOOKING, "[redacted]").trim();
  return `agent answered HTTP ${status}${snippet ? `: ${snippet}` : ""}`;
}

function describeNetworkError(error: unknown): string {
  if (error instanceof Error) {
    const code = (error as NodeJS.ErrnoException).code;
    return code ? `${code} ${error.message}` : error.message;
  }
  return String(error);
}
