import type { Octokit } from "@octokit/core";
import { GitHubRequestError } from "../../github/github-deliveries";

export interface PacingOptions {
  /** Least time between two requests that change something (GitHub asks for at least a second). */
  writeIntervalMs: number;
  /** Longest wait for a rate limit to pass; beyond it the request fails with the time to try again. */
  maxWaitMs: number;
  /** Retries of one request after a rate-limit answer. */
  maxRetries: number;
  sleep: (ms: number) => Promise<void>;
  now: () => number;
}

export const DEFAULT_PACING: PacingOptions = {
  writeIntervalMs: 1000,
  maxWaitMs: 120_000,
  maxRetries: 3,
  sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
  now: Date.now,
};

/** GitHub's advice for a secondary rate limit that names no `Retry-After`: wait at least a minute. */
const SECONDARY_LIMIT_WAIT_MS = 60_000;

type Headers = Record<string, string | number | undefined>;

interface AnsweredError {
  status?: number;
  response?: { headers?: Headers; data?: unknown };
  message: string;
}

const header = (headers: Headers | undefined, name: string) => {
  const value = headers?.[name];
  return value === undefined ? undefined : String(value);
};

/** When the primary limit's budget is used up: the `x-ratelimit-reset` time (epoch ms), if the answer says so. */
function exhaustedUntil(headers: Headers | undefined): number | undefined {
  if (header(headers, "x-ratelimit-remaining") !== "0") return undefined;
  const reset = Number(header(headers, "x-ratelimit-reset"));
  return Number.isFinite(reset) && reset > 0 ? reset * 1000 : undefined;
}

/** How long a 403 or 429 asks to wait, or undefined when it is no rate limit (a plain refusal). */
function rateLimitWait(error: AnsweredError, now: number): number | undefined {
  if (error.status !== 403 && error.status !== 429) return undefined;
  const headers = error.response?.headers;
  const retryAfter = header(headers, "retry-after");
  if (retryAfter !== undefined && /^\d+$/.test(retryAfter)) return Number(retryAfter) * 1000;
  const until = exhaustedUntil(headers);
  if (until !== undefined) return Math.max(0, until - now);
  if (error.status === 429 || /rate limit/i.test(error.message)) return SECONDARY_LIMIT_WAIT_MS;
  return undefined;
}

/**
 * Paces one client's requests and waits out GitHub's rate limits: requests that change something
 * are spaced `writeIntervalMs` apart; once an answer says the budget is used up, nothing is sent
 * before its reset; a 403 or 429 with `Retry-After` (or an exhausted budget, or a secondary limit)
 * is retried after the wait it asks for. A wait longer than `maxWaitMs` fails the request at once
 * with the time GitHub named, instead of holding a scheduled function past its timeout.
 */
export function paceRequests(octokit: Octokit, options: PacingOptions): void {
  const state = { blockedUntil: 0, lastWriteAt: Number.NEGATIVE_INFINITY };
  const waitFor = async (ms: number, what: string) => {
    if (ms <= 0) return;
    if (ms > options.maxWaitMs) {
      const at = new Date(options.now() + ms).toISOString();
      throw new GitHubRequestError(
        `GitHub's rate limit allows no more requests until ${at} (${what}); try again then`,
        429,
      );
    }
    await options.sleep(ms);
  };
  octokit.hook.wrap("request", async (request, requestOptions) => {
    const write = requestOptions.method !== "GET" && requestOptions.method !== "HEAD";
    for (let retry = 0; ; retry += 1) {
      await waitFor(state.blockedUntil - options.now(), "its budget is used up");
      // A retry was already spaced by its wait.
      if (write && retry === 0) {
        const gap = state.lastWriteAt + options.writeIntervalMs - options.now();
        if (gap > 0) await options.sleep(gap);
        state.lastWriteAt = options.now();
      }
      try {
        const response = await request(requestOptions);
        state.blockedUntil = exhaustedUntil(response.headers as Headers) ?? 0;
        return response;
      } catch (error) {
        const answered = error as AnsweredError;
        state.blockedUntil = exhaustedUntil(answered.response?.headers) ?? 0;
        const wait = rateLimitWait(answered, options.now());
        if (wait === undefined) throw error;
        if (retry >= options.maxRetries) {
          throw new GitHubRequestError(
            `GitHub still rate-limited the request after ${retry + 1} tries`,
            answered.status ?? 429,
          );
        }
        state.blockedUntil = 0;
        await waitFor(wait, `asked to wait ${Math.ceil(wait / 1000)} s`);
      }
    }
  });
}
