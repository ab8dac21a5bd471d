export interface BackoffPolicy {
  baseDelaySeconds: number;
  maxDelaySeconds: number;
}

/**
 * The visibility timeout before delivery `attempt + 1`: exponential backoff with full jitter,
 * uniformly in [0, min(max, base × 2^(attempt−1))], never below a Retry-After the agent asked for
 * (still capped at max). `attempt` is the SQS receive count of the failed delivery (1 = first).
 */
export function backoffSeconds(
  attempt: number,
  policy: BackoffPolicy,
  random: () => number = Math.random,
  retryAfterSeconds?: number,
): number {
  const exponent = Math.max(0, Math.min(attempt - 1, 30));
  const ceiling = Math.min(policy.maxDelaySeconds, policy.baseDelaySeconds * 2 ** exponent);
  const jittered = Math.floor(random() * (ceiling + 1));
  const delay = retryAfterSeconds === undefined ? jittered : Math.max(jittered, retryAfterSeconds);
  return Math.max(0, Math.min(policy.maxDelaySeconds, delay));
}
