import { agentUrlProblem } from "../agent/agent-url";
import { EVENTS_TABLE, IDEMPOTENCY_TABLE, WEBHOOK_QUEUE } from "./resources";

/** SQS refuses a visibility timeout above 12 hours. */
const SQS_MAX_VISIBILITY_SECONDS = 43_200;

/** A team that catches events no routing claim matches (`DEFAULT_TEAM=org/team`). */
export interface DefaultTeam {
  org_id: string;
  team_node_id: string;
}

export interface RouterConfig {
  /** The webhook queue: visibility changes for retried messages go here. */
  queueUrl: string;
  routingTable: string;
  eventsTable: string;
  idempotencyTable: string;
  /** The default agent endpoint; a team's routing item may override it. */
  agentUrl: string;
  /** Whole-request timeout of one agent call (connect, send, response). */
  agentTimeoutMs: number;
  /** How long a delivery key is remembered: a redelivery inside this window is not sent again. */
  idempotencyTtlSeconds: number;
  /** How long a delivered event's record is kept: at least the idempotency window (the guard reads it). */
  deliveredRetentionDays: number;
  /** Deliveries before SQS moves a message to the dead-letter queue (must match the queue's redrive policy). */
  maxReceiveCount: number;
  /** Exponential backoff with equal jitter: delay ∈ [c/2, c] for c = min(max, base × 2^(attempt−1)). */
  retryBaseDelaySeconds: number;
  retryMaxDelaySeconds: number;
  /** Consecutive retryable failures of one destination (agent URL) after which its breaker opens. */
  circuitBreakerThreshold: number;
  /** How long an open breaker refuses calls before it lets one probe through (half-open). */
  circuitBreakerRecoverySeconds: number;
  /** Agent calls in flight at once to one destination, across the invocations of a container. */
  agentConcurrency: number;
  /**
   * Started by `npm start`: plain http to 127.0.0.1 or localhost is an allowed agent URL, and a
   * team's `agent.token_secret` names an environment variable rather than a Secrets Manager secret.
   */
  localPipeline: boolean;
  /** How long a team's agent token read from Secrets Manager is reused. */
  secretsCacheSeconds: number;
  defaultTeam?: DefaultTeam;
  /** Slack Web API base URL (tests point it at a local fake). */
  slackApiUrl: string;
  slackTimeoutMs: number;
  /** The S3 bucket ingest stores large payloads in (PAYLOAD_BUCKET); references to any other are refused. */
  payloadBucket?: string;
}

export class RouterConfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "RouterConfigError";
  }
}

function required(env: NodeJS.ProcessEnv, name: string, meaning: string): string {
  const value = env[name]?.trim();
  if (!value) throw new RouterConfigError(`${name} is not set: it must name ${meaning}`);
  return value;
}

function wholeNumber(
  env: NodeJS.ProcessEnv,
  name: string,
  fallback: number,
  min: number,
  max: number,
): number {
  const raw = env[name]?.trim();
  if (raw === undefined || raw === "") return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < min || value > max) {
    throw new RouterConfigError(`${name} must be a whole number from ${min} to ${max}, got '${raw}'`);
  }
  return value;
}

function httpUrl(name: string, value: string): string {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new RouterConfigError(`${name} must be an absolute http(s) URL, got '${value}'`);
  }
  if (url.protocol !== "https:" && url.protocol !== "http:") {
    throw new RouterConfigError(`${name} must be an http(s) URL, got protocol '${url.protocol}'`);
  }
  return value;
}

/** AGENT_URL under the same rule as every team's agent URL (checked again before each call). */
function agentUrl(value: string, allowLocalHttp: boolean): string {
  const problem = agentUrlProblem(value, { allowLocalHttp });
  if (problem) throw new RouterConfigError(`AGENT_URL: ${problem}`);
  return value;
}

/** `org/team` → the default team; anything else is a configuration error. */
export function parseDefaultTeam(raw: string | undefined): DefaultTeam | undefined {
  const value = raw?.trim();
  if (!value) return undefined;
  const match = /^([^/\s]+)\/([^/\s]+)$/.exec(value);
  if (!match)
    throw new RouterConfigError(`DEFAULT_TEAM must look like 'org_id/team_node_id', got '${value}'`);
  return { org_id: match[1]!, team_node_id: match[2]! };
}

/** Router settings from the environment, with their documented defaults; throws naming the bad variable. */
export function routerConfigFromEnv(env: NodeJS.ProcessEnv = process.env): RouterConfig {
  const retryBaseDelaySeconds = wholeNumber(
    env,
    "RETRY_BASE_DELAY_SECONDS",
    // The retries before the dead-letter queue then span 75–150 s (5 receives): an agent restart
    // is ridden out. The former 2 s (0–30 s) sent events to the DLQ in a 20 s outage (npm run soak).
    10,
    0,
    SQS_MAX_VISIBILITY_SECONDS,
  );
  const retryMaxDelaySeconds = wholeNumber(
    env,
    "RETRY_MAX_DELAY_SECONDS",
    900,
    0,
    SQS_MAX_VISIBILITY_SECONDS,
  );
  const idempotencyTtlSeconds = wholeNumber(
    env,
    "IDEMPOTENCY_TTL_SECONDS",
    IDEMPOTENCY_TABLE.defaultWindowSeconds,
    60,
    31_536_000,
  );
  const deliveredRetentionDays = wholeNumber(
    env,
    "DELIVERED_RETENTION_DAYS",
    EVENTS_TABLE.deliveredRetentionDays,
    1,
    3653,
  );
  // The delivery guard knows a key was handled by its holder's delivered record: a record gone
  // before the claim would let a copy be delivered again.
  if (deliveredRetentionDays * 86_400 < idempotencyTtlSeconds) {
    throw new RouterConfigError(
      `DELIVERED_RETENTION_DAYS (${deliveredRetentionDays}) must cover IDEMPOTENCY_TTL_SECONDS (${idempotencyTtlSeconds} s): raise it to at least ${Math.ceil(idempotencyTtlSeconds / 86_400)}`,
    );
  }
  const defaultTeam = parseDefaultTeam(env.DEFAULT_TEAM);
  const payloadBucket = env.PAYLOAD_BUCKET?.trim();
  const localPipeline = env.WEBHOOK_PIPELINE_LOCAL === "true";
  return {
    queueUrl: required(env, "QUEUE_URL", "the webhook queue's URL"),
    routingTable: required(env, "ROUTING_TABLE", "the routing table"),
    eventsTable: required(env, "EVENTS_TABLE", "the events (outcome) table"),
    idempotencyTable: required(env, "IDEMPOTENCY_TABLE", "the idempotency table"),
    agentUrl: agentUrl(required(env, "AGENT_URL", "the default agent endpoint URL"), localPipeline),
    agentTimeoutMs: wholeNumber(env, "AGENT_TIMEOUT_MS", 10_000, 1, 900_000),
    idempotencyTtlSeconds,
    deliveredRetentionDays,
    maxReceiveCount: wholeNumber(env, "MAX_RECEIVE_COUNT", WEBHOOK_QUEUE.maxReceiveCount, 1, 1000),
    retryBaseDelaySeconds,
    retryMaxDelaySeconds,
    // Seed 001's breaker: open after 5 consecutive failures, probe again after 30 s.
    circuitBreakerThreshold: wholeNumber(env, "CIRCUIT_BREAKER_THRESHOLD", 5, 1, 10_000),
    circuitBreakerRecoverySeconds: wholeNumber(env, "CIRCUIT_BREAKER_RECOVERY_SECONDS", 30, 1, 3_600),
    agentConcurrency: wholeNumber(env, "AGENT_CONCURRENCY", 5, 1, 1000),
    localPipeline,
    secretsCacheSeconds: wholeNumber(env, "SECRETS_CACHE_SECONDS", 300, 0, 86_400),
    ...(defaultTeam ? { defaultTeam } : {}),
    slackApiUrl: httpUrl("SLACK_API_URL", env.SLACK_API_URL?.trim() || "https://slack.com/api"),
    slackTimeoutMs: wholeNumber(env, "SLACK_TIMEOUT_MS", 3_000, 1, 60_000),
    ...(payloadBucket ? { payloadBucket } : {}),
  };
}
