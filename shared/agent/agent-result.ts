/**
 * Why an agent call failed, as counted in the AgentErrors metric's `class` dimension. `bad_url`: the
 * agent URL breaks the agent URL rule (agentUrlProblem), so no call was made.
 */
export type AgentErrorClass = "retryable" | "permanent" | "timeout" | "network" | "bad_url";

export type AgentResult =
  | { outcome: "delivered"; status: number; durationMs: number }
  | {
      outcome: "retryable";
      errorClass: "retryable" | "timeout" | "network";
      /** The HTTP status, when the agent answered. */
      status?: number;
      error: string;
      /** The agent's Retry-After, in seconds, when it sent one. */
      retryAfterSeconds?: number;
      durationMs: number;
    }
  | {
      outcome: "permanent";
      errorClass: "permanent" | "bad_url";
      /** The HTTP status, when the agent answered (absent for `bad_url`: nothing was called). */
      status?: number;
      error: string;
      durationMs: number;
    };

/**
 * The contract's classification of an HTTP answer: 2xx delivered; 408, 429 and 5xx retryable; any
 * other status permanent (4xx, and 1xx/3xx, which only a misconfigured agent URL produces).
 */
export function classifyStatus(status: number): "delivered" | "retryable" | "permanent" {
  if (status >= 200 && status < 300) return "delivered";
  if (status === 408 || status === 429 || (status >= 500 && status < 600)) return "retryable";
  return "permanent";
}

/** `Retry-After` as seconds (delta-seconds or an HTTP date), or undefined. */
export function parseRetryAfter(value: string | undefined, now: Date): number | undefined {
  if (!value) return undefined;
  const trimmed = value.trim();
  if (/^\d+$/.test(trimmed)) return Number(trimmed);
  const date = Date.parse(trimmed);
  if (Number.isNaN(date)) return undefined;
  return Math.max(0, Math.ceil((date - now.getTime()) / 1000));
}
