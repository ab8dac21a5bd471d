import http from "node:http";
import https from "node:https";
import type { AgentCall, AgentClient } from "../../agent/agent-client";
import { type AgentResult, classifyStatus, parseRetryAfter } from "../../agent/agent-result";
import { agentUrlProblem } from "../../agent/agent-url";
import { standardWebhookHeaders } from "../../crypto/standard-webhooks";

export interface HttpAgentClientOptions {
  /** Whole-call deadline: connect, send, response headers and the (capped) body read. */
  timeoutMs: number;
  /** The secret to sign with (the first active one): read per call so a rotation is picked up. */
  signingSecret: () => Promise<string>;
  now?: () => Date;
  /** Sockets kept per agent host. */
  maxSockets?: number;
  /** The local pipeline: http:// and https:// to 127.0.0.1 or localhost are allowed (default false). */
  allowLocalHttp?: boolean;
  /** How much of a response body is read; a longer body costs its socket (default 4096 bytes). */
  maxResponseBytes?: number;
}

/** How much of an error response's body is kept for the events table. */
const ERROR_BODY_CHARS = 200;
const DEFAULT_MAX_RESPONSE_BYTES = 4096;

/** What Node accepts in a header value: anything else makes `http.request` throw. */
const HEADER_VALUE = /^[\t\x20-\x7e\x80-\xff]*$/;

class AgentTimeoutError extends Error {
  constructor(timeoutMs: number) {
    super(`agent did not answer within ${timeoutMs} ms`);
    this.name = "AgentTimeoutError";
  }
}

interface AgentAnswer {
  status: number;
  /** The start of the body, up to maxResponseBytes (empty for a 2xx: its body is never looked at). */
  body: string;
  retryAfter?: string;
}

/**
 * Calls agents over HTTP(S) with keep-alive connections (one pool per process, reused by every warm
 * invocation), a Standard Webhooks signature over the exact body sent, the team's bearer token and
 * the correlation id. The URL is checked against the agent URL rule before every call.
 */
export class HttpAgentClient implements AgentClient {
  private readonly httpAgent: http.Agent;
  private readonly httpsAgent: https.Agent;
  private readonly now: () => Date;
  private readonly allowLocalHttp: boolean;
  private readonly maxResponseBytes: number;

  constructor(private readonly options: HttpAgentClientOptions) {
    const pool = { keepAlive: true, maxSockets: options.maxSockets ?? 50, keepAliveMsecs: 1000 };
    this.httpAgent = new http.Agent(pool);
    this.httpsAgent = new https.Agent(pool);
    this.now = options.now ?? (() => new Date());
    this.allowLocalHttp = options.allowLocalHttp ?? false;
    this.maxResponseBytes = options.maxResponseBytes ?? DEFAULT_MAX_RESPONSE_BYTES;
  }

  async deliver(call: AgentCall): Promise<AgentResult> {
    const problem = agentUrlProblem(call.url, { allowLocalHttp: this.allowLocalHttp });
    if (problem) return { outcome: "permanent", errorClass: "bad_url", error: problem, durationMs: 0 };
    if (call.token !== undefined && !HEADER_VALUE.test(call.token)) {
      // Retrying cannot help: the secret's value must be fixed. Never quote it.
      return {
        outcome: "permanent",
        errorClass: "permanent",
        error:
          "the team's token cannot be sent as an HTTP header (it holds line breaks or control characters)",
        durationMs: 0,
      };
    }
    const headers: Record<string, string> = {
      "content-type": "application/json",
      "content-length": String(Buffer.byteLength(call.body, "utf8")),
      "user-agent": "webhook-pipeline-router",
      "x-correlation-id": call.correlationId,
      ...(call.token ? { authorization: `Bearer ${call.token}` } : {}),
      ...standardWebhookHeaders(await this.options.signingSecret(), call.webhookId, call.body, this.now()),
    };
    const started = Date.now();
    try {
      const answer = await this.post(new URL(call.url), headers, call.body);
      return this.resultOf(answer, Date.now() - started, call.token);
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

  private resultOf(answer: AgentAnswer, durationMs: number, token: string | undefined): AgentResult {
    const { status } = answer;
    const kind = classifyStatus(status);
    if (kind === "delivered") return { outcome: "delivered", status, durationMs };
    const error = describeStatus(status, answer.body, token);
    if (kind === "permanent")
      return { outcome: "permanent", errorClass: "permanent", status, error, durationMs };
    const retryAfterSeconds = parseRetryAfter(answer.retryAfter, this.now());
    return {
      outcome: "retryable",
      errorClass: "retryable",
      status,
      error,
      ...(retryAfterSeconds !== undefined ? { retryAfterSeconds } : {}),
      durationMs,
    };
  }

  /**
   * One POST under one deadline. Resolves once the status is known to mean something: at the headers
   * for a 2xx (accepted; the body is irrelevant), after the capped body read otherwise. The body is
   * read, in the background for a 2xx, until it ends (the socket goes back to the pool), passes
   * maxResponseBytes or outlives the deadline (the socket is destroyed): an endless or trickling body
   * never pins a pooled socket nor holds the call past the timeout.
   */
  private post(target: URL, headers: Record<string, string>, body: string): Promise<AgentAnswer> {
    const secure = target.protocol === "https:";
    return new Promise((resolve, reject) => {
      const request = (secure ? https : http).request(target, {
        method: "POST",
        headers,
        agent: secure ? this.httpsAgent : this.httpAgent,
      });
      // Before the headers the deadline is a timeout; after them it only ends the body read.
      let onDeadline = () => reject(new AgentTimeoutError(this.options.timeoutMs));
      const deadline = setTimeout(() => {
        onDeadline();
        request.destroy();
      }, this.options.timeoutMs);
      request.on("error", (error) => {
        clearTimeout(deadline);
        reject(error);
      });
      request.on("response", (response) => {
        const status = response.statusCode ?? 0;
        const retryAfter = response.headers["retry-after"];
        const delivered = classifyStatus(status) === "delivered";
        const chunks: Buffer[] = [];
        let received = 0;
        const answer = () =>
          resolve({
            status,
            body: Buffer.concat(chunks).toString("utf8"),
            ...(retryAfter ? { retryAfter } : {}),
          });
        onDeadline = answer;
        if (delivered) answer();
        response.on("data", (chunk: Buffer) => {
          const room = this.maxResponseBytes - received;
          received += chunk.length;
          if (!delivered) chunks.push(chunk.length > room ? chunk.subarray(0, Math.max(0, room)) : chunk);
          if (received > this.maxResponseBytes) {
            clearTimeout(deadline);
            answer();
            request.destroy();
          }
        });
        // A body cut short (by the agent, or by the destroy above) still leaves the status standing.
        const finish = () => {
          clearTimeout(deadline);
          answer();
        };
        response.on("end", finish);
        response.on("error", finish);
        response.on("close", finish);
      });
      request.end(body);
    });
  }
}

/** Anything in an agent's error body that looks like a signature, signing secret or token (an agent may echo them). */
const SECRET_LOOKING = /v1,[A-Za-z0-9+/=]{8,}|whsec_[A-Za-z0-9+/=]+|xox[a-z]-[A-Za-z0-9-]+|Bearer\s+\S+/g;

function describeStatus(status: number, body: string, token: string | undefined): string {
  // Redacted over everything read, and only then cut to length, so no fragment of a secret survives a cut.
  const redacted = (token ? body.replaceAll(token, "[redacted]") : body).replace(
    SECRET_LOOKING,
    "[redacted]",
  );
  const snippet = redacted.replace(/\s+/g, " ").trim().slice(0, ERROR_BODY_CHARS);
  return `agent answered HTTP ${status}${snippet ? `: ${snippet}` : ""}`;
}

function describeNetworkError(error: unknown): string {
  if (error instanceof Error) {
    const code = (error as NodeJS.ErrnoException).code;
    return code ? `${code} ${error.message}` : error.message;
  }
  return String(error);
}
