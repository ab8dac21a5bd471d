export interface BackoffPolicy {
  baseDelaySeconds: number;
  maxDelaySeconds: number;
}

/**
 * The visibility timeout before delivery `attempt + 1`: exponential backoff with equal jitter,
 * uniformly in [⌈c/2⌉, c] whole seconds for the ceiling c = min(max, base × 2^(attempt−1)), never
 * below a Retry-After the agent asked for (still capped at max). `attempt` is the SQS receive count
 * of the failed delivery (1 = first).
 *
 * Half of each delay is fixed because a message has only a few receives before the dead-letter
 * queue: with full jitter (delays from 0) the soak saw a 20-second agent outage use them all up.
 * With the default base of 10 s the four retries of one message span 75 to 150 s.
 */
export function backoffSeconds(
  attempt: number,
  policy: BackoffPolicy,
  random: () => number = Math.random,
  retryAfterSeconds?: number,
): number {
  const exponent = Math.max(0, Math.min(attempt - 1, 30));
  const ceiling = Math.min(policy.maxDelaySeconds, policy.baseDelaySeconds * 2 ** exponent);
  const floor = Math.ceil(ceiling / 2);
  const jittered = floor + Math.floor(random() * (ceiling - floor + 1));
  const delay = retryAfterSeconds === undefined ? jittered : Math.max(jittered, retryAfterSeconds);
  return Math.max(0, Math.min(policy.maxDelaySeconds, delay));
}
