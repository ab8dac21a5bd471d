import {
  EVENTS_TABLE,
  GITHUB_RECONCILER,
  IDEMPOTENCY_TABLE,
  WEBHOOK_QUEUE,
} from "../shared/config/resources";
import { type EventFilters, EventFiltersError, parseEventFilters } from "../shared/filters/event-filters";
import type { ProviderName } from "../shared/providers/provider";
import { REGISTRY } from "../shared/providers/registry";
import { SECRET_NAMES } from "./stack-secrets";

export { SECRET_NAMES } from "./stack-secrets";

/**
 * Every deploy-time setting of the stack, read from CDK context (`cdk.json`, `cdk.context.json`
 * or `-c name=value`) and validated before any construct is built, so a bad value fails `cdk synth`
 * with a message naming the setting instead of failing half-way through a deployment.
 */

/**
 * Per-route stage throttling by default. It is there to stop a runaway sender, not to shape traffic:
 * the queue absorbs any storm an incident produces, while a sender answered 429 may drop the event
 * for good (GitHub never retries). Explicit rather than unset (which leaves each route only the
 * account's regional quota, 10,000 requests/s by default, shared by every API in the account), so
 * one flooded route cannot take the whole quota from the other routes and the account's other APIs.
 */
export const DEFAULT_THROTTLE = { rateLimit: 1_000, burstLimit: 2_000 } as const;

/** Where teams' agent token secrets live; the router may read only secrets under this name prefix. */
export const DEFAULT_TEAM_TOKEN_SECRET_PREFIX = "webhook-pipeline/team-tokens/";

/**
 * The start of a secret name: the characters Secrets Manager allows in one (at most 512), so no `*`
 * or `?` can widen the grant. Never empty: an empty prefix would be every secret in the account.
 */
const SECRET_NAME_PREFIX = /^[A-Za-z0-9/_+=.@-]{1,511}$/;
/** A whole secret name. */
const SECRET_NAME = /^[A-Za-z0-9/_+=.@-]{1,512}$/;

/** CloudWatch Logs' allowed retention periods, in days. */
const LOG_RETENTION_DAYS = [
  1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653,
] as const;

/** Application log levels, as Powertools names them (Lambda calls CRITICAL `FATAL`). */
export const LOG_LEVELS = ["TRACE", "DEBUG", "INFO", "WARN", "ERROR", "CRITICAL"] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

/**
 * CloudWatch Logs' log classes (a log group's class is fixed when it is made). Infrequent Access
 * halves ingestion but has no metric filters, subscription filters, Live Tail, export or EMF
 * extraction, so only a log group nothing watches may use it: the API's access log, read only by
 * Logs Insights queries when someone looks into a request.
 */
export const LOG_GROUP_CLASSES = ["INFREQUENT_ACCESS", "STANDARD"] as const;
export type LogGroupClassName = (typeof LOG_GROUP_CLASSES)[number];

export interface PipelineSettings {
  /** Default for the `AgentUrl` stack parameter; without it `cdk deploy` needs `--parameters AgentUrl=…`. */
  agentUrl?: string;
  /** Requests per second per route (API Gateway takes a fraction too). */
  throttleRateLimit: number;
  /** Requests a route may take at once above the rate (a whole number). */
  throttleBurstLimit: number;
  /** The router may read the agent token of a team only from a secret whose name starts with this. */
  teamTokenSecretPrefix: string;
  maxReceiveCount: number;
  routerBatchSize: number;
  routerMaxBatchingWindowSeconds: number;
  routerMaxConcurrency: number;
  agentTimeoutMs: number;
  routingCacheSeconds: number;
  defaultTeam?: string;
  slackApiUrl: string;
  /** How long the router and the GitHub reconciler reuse a secret they read (nothing tells them it changed). */
  secretsCacheSeconds: number;
  /**
   * How long an ingest function reuses its webhook secret. A request its cached secrets do not
   * verify re-reads it at once, so this bounds only how long a secret removed from the value (a
   * revoked one) keeps verifying.
   */
  ingestSecretsCacheSeconds: number;
  routingTableDeletionProtection: boolean;
  /** Point-in-time recovery on the events table (routing always has it; claims never need it). */
  eventsTablePointInTimeRecovery: boolean;
  /** Days a delivered event's record is kept (other records: the events table's 30); at least the idempotency window. */
  deliveredEventRetentionDays: number;
  logRetentionDays: number;
  /** The functions' application log level; each request's record is written at every level. */
  logLevel: LogLevel;
  /** The API access log group's class; changing it replaces the log group (a new, empty one). */
  accessLogClass: LogGroupClassName;
  /** The fraction of queued events whose route through the pipeline X-Ray records (0 to 1). */
  tracingSampleRate: number;
  /** An email address subscribed to a new alarm topic. */
  alarmEmail?: string;
  /** An existing SNS topic for alarm actions (instead of, or as well as, `alarmEmail`'s new topic). */
  alarmTopicArn?: string;
  queueAgeAlarmSeconds: number;
  agentErrorRateAlarmPercent: number;
  api5xxAlarmThreshold: number;
  /** Secrets that already exist, by name, instead of the stack creating them. */
  existingSecrets: Partial<Record<string, string>>;
  /** Which events each provider forwards (each ingest function gets its own provider's rules). */
  eventFilters: EventFilters;
  /** Each provider's non-secret configuration from context, as its function's variables (genericSources). */
  providerEnvironment: Partial<Record<ProviderName, Record<string, string>>>;
  /**
   * The name of an existing Secrets Manager secret holding the GitHub App's `{"app_id", "private_key"}`:
   * the scheduled GitHub delivery reconciler is deployed only when it is set.
   */
  githubAppSecretName?: string;
  /** Minutes between reconciler runs; above its timeout, so two runs never overlap. */
  githubReconcileRateMinutes: number;
  /** Minutes of GitHub's delivery log each run looks back over (at least the rate, so no delivery falls between runs). */
  githubReconcileWindowMinutes: number;
  /** Redeliveries one run may request. */
  githubReconcileMax: number;
  /** GitHub's REST API (GitHub Enterprise Server: `https://HOST/api/v3`). */
  githubApiUrl: string;
}

export const DEFAULT_SETTINGS: Readonly<PipelineSettings> = {
  throttleRateLimit: DEFAULT_THROTTLE.rateLimit,
  throttleBurstLimit: DEFAULT_THROTTLE.burstLimit,
  teamTokenSecretPrefix: DEFAULT_TEAM_TOKEN_SECRET_PREFIX,
  maxReceiveCount: WEBHOOK_QUEUE.maxReceiveCount,
  routerBatchSize: 10,
  routerMaxBatchingWindowSeconds: 1,
  routerMaxConcurrency: 5,
  agentTimeoutMs: 10_000,
  routingCacheSeconds: 60,
  slackApiUrl: "https://slack.com/api",
  // The router's agent signing secret, Slack bot token and team tokens, and the reconciler's GitHub
  // App key, have no signal that they changed: an operator waits this long between rotation steps
  // (README: rotation). Each refresh is a Secrets Manager call per secret and warm function:
  // $0.043 a month each at 300 s, $0.014 at 900 s.
  secretsCacheSeconds: 900,
  // Ingest re-reads its secret when a request does not verify, so a secret put for rotation works
  // from its first request whatever this is; what it bounds is how long a secret removed from the
  // value keeps verifying (README: revoking a leaked secret). An hour cuts the steady reads to a
  // quarter of 900 s's ($0.0036 a month per secret and warm function); a day would save a further
  // $0.0035 at most while a leaked secret stays valid 24 times longer.
  ingestSecretsCacheSeconds: 3600,
  routingTableDeletionProtection: true,
  eventsTablePointInTimeRecovery: false,
  deliveredEventRetentionDays: EVENTS_TABLE.deliveredRetentionDays,
  logRetentionDays: 30,
  logLevel: "INFO",
  accessLogClass: "INFREQUENT_ACCESS",
  tracingSampleRate: 0.01,
  queueAgeAlarmSeconds: 900,
  agentErrorRateAlarmPercent: 5,
  api5xxAlarmThreshold: 5,
  existingSecrets: {},
  eventFilters: {},
  providerEnvironment: {},
  githubReconcileRateMinutes: GITHUB_RECONCILER.defaultRateMinutes,
  githubReconcileWindowMinutes: GITHUB_RECONCILER.defaultWindowMinutes,
  githubReconcileMax: GITHUB_RECONCILER.defaultMax,
  githubApiUrl: GITHUB_RECONCILER.defaultApiUrl,
};

export class InvalidSettingError extends Error {
  constructor(
    readonly setting: string,
    problem: string,
  ) {
    super(`context value '${setting}' ${problem}`);
    this.name = "InvalidSettingError";
  }
}

type Lookup = (name: string) => unknown;

function integer(lookup: Lookup, name: keyof PipelineSettings, min: number, max: number, why = ""): number {
  const raw = lookup(name);
  const fallback = DEFAULT_SETTINGS[name] as number;
  if (raw === undefined || raw === null || raw === "") return fallback;
  const value = typeof raw === "number" ? raw : Number(String(raw).trim());
  if (!Number.isInteger(value))
    throw new InvalidSettingError(name, `must be a whole number, got '${String(raw)}'`);
  if (value < min || value > max) {
    throw new InvalidSettingError(name, `must be between ${min} and ${max}${why}, got ${value}`);
  }
  return value;
}

/** Any positive number (no upper bound: above the account's quota the quota applies), or a whole one. */
function positive(lookup: Lookup, name: keyof PipelineSettings, whole: boolean, why = ""): number {
  const raw = lookup(name);
  const fallback = DEFAULT_SETTINGS[name] as number;
  if (raw === undefined || raw === null || raw === "") return fallback;
  const value = typeof raw === "number" ? raw : Number(String(raw).trim());
  const valid = Number.isFinite(value) && value > 0 && (!whole || Number.isInteger(value));
  if (!valid) {
    throw new InvalidSettingError(
      name,
      `must be a positive ${whole ? "whole " : ""}number${why}, got '${String(raw)}'`,
    );
  }
  return value;
}

/** A number from 0 to 1. */
function fraction(lookup: Lookup, name: keyof PipelineSettings): number {
  const raw = lookup(name);
  if (raw === undefined || raw === null || raw === "") return DEFAULT_SETTINGS[name] as number;
  const value = typeof raw === "number" ? raw : Number(String(raw).trim());
  if (!Number.isFinite(value) || value < 0 || value > 1) {
    throw new InvalidSettingError(name, `must be a number from 0 to 1, got '${String(raw)}'`);
  }
  return value;
}

/** One of `allowed`, in any case and with spaces around it. */
function oneOf<T extends string>(lookup: Lookup, name: keyof PipelineSettings, allowed: readonly T[]): T {
  const raw = lookup(name);
  if (raw === undefined || raw === null || raw === "") return DEFAULT_SETTINGS[name] as T;
  const value = String(raw).trim().toUpperCase();
  if (!(allowed as readonly string[]).includes(value)) {
    throw new InvalidSettingError(name, `must be one of ${allowed.join(", ")}, got '${String(raw)}'`);
  }
  return value as T;
}

function boolean(lookup: Lookup, name: keyof PipelineSettings): boolean {
  const raw = lookup(name);
  if (raw === undefined || raw === null || raw === "") return DEFAULT_SETTINGS[name] as boolean;
  if (raw === true || raw === "true") return true;
  if (raw === false || raw === "false") return false;
  throw new InvalidSettingError(name, `must be true or false, got '${String(raw)}'`);
}

function text(
  lookup: Lookup,
  name: keyof PipelineSettings,
  pattern?: RegExp,
  shape?: string,
): string | undefined {
  const raw = lookup(name);
  if (raw === undefined || raw === null || raw === "") return undefined;
  if (typeof raw !== "string")
    throw new InvalidSettingError(name, `must be a string, got ${JSON.stringify(raw)}`);
  const value = raw.trim();
  if (pattern && !pattern.test(value))
    throw new InvalidSettingError(name, `must be ${shape}, got '${value}'`);
  return value;
}

/** A context value that is a JSON object: given as one (cdk.json) or as its JSON text (`-c name='{…}'`). */
function jsonObject(lookup: Lookup, name: string, shape: string): Record<string, unknown> | undefined {
  const raw = lookup(name);
  if (raw === undefined || raw === null || raw === "") return undefined;
  let parsed: unknown = raw;
  if (typeof raw === "string") {
    try {
      parsed = JSON.parse(raw);
    } catch {
      throw new InvalidSettingError(name, `must be ${shape}, got '${raw}'`);
    }
  }
  if (parsed === null || typeof parsed !== "object" || Array.isArray(parsed)) {
    throw new InvalidSettingError(name, `must be ${shape}`);
  }
  return parsed as Record<string, unknown>;
}

function existingSecrets(lookup: Lookup): Partial<Record<string, string>> {
  const parsed = jsonObject(lookup, "existingSecrets", "a JSON object of secret variable name → secret name");
  const out: Partial<Record<string, string>> = {};
  for (const [key, name] of Object.entries(parsed ?? {})) {
    if (!SECRET_NAMES.includes(key)) {
      throw new InvalidSettingError(
        "existingSecrets",
        `has unknown key '${key}': use one of ${SECRET_NAMES.join(", ")}`,
      );
    }
    if (typeof name !== "string" || !SECRET_NAME.test(name)) {
      throw new InvalidSettingError(
        "existingSecrets",
        `needs a secret name for ${key}, got ${JSON.stringify(name)}`,
      );
    }
    out[key] = name;
  }
  return out;
}

/**
 * Lambda allows 4 KB of environment variables per function in all; the rest of an ingest function's
 * variables take under 1.5 KB, so each provider's rules (its EVENT_FILTERS value) get 2 KB.
 */
export const EVENT_FILTERS_MAX_BYTES = 2048;

function eventFilters(lookup: Lookup): EventFilters {
  const raw = lookup("eventFilters");
  if (raw === undefined || raw === null || raw === "") return {};
  let filters: EventFilters;
  try {
    filters = parseEventFilters(raw, "eventFilters");
  } catch (error) {
    if (error instanceof EventFiltersError)
      throw new InvalidSettingError("eventFilters", `is invalid: ${error.message}`);
    throw error;
  }
  for (const [provider, rules] of Object.entries(filters)) {
    const bytes = Buffer.byteLength(JSON.stringify({ [provider]: rules }));
    if (bytes > EVENT_FILTERS_MAX_BYTES) {
      throw new InvalidSettingError(
        "eventFilters",
        `gives ${provider} ${bytes} bytes of rules; a function's environment holds at most ${EVENT_FILTERS_MAX_BYTES}`,
      );
    }
  }
  return filters;
}

/** Lambda's limit on one function's environment: every variable's name and value, together. */
export const LAMBDA_ENVIRONMENT_MAX_BYTES = 4096;
/** What an ingest function's other variables take at most (queue URL, bucket, secret ARNs, …). */
const INGEST_BASE_ENVIRONMENT_BYTES = 1536;

/**
 * Each provider's non-secret configuration (its description's `configuration`: `genericSources` →
 * GENERIC_WEBHOOK_SOURCES), a JSON object from context, checked here so that a value the function's
 * environment cannot hold (with its provider's event filters) fails the synth, not the deployment.
 */
function providerEnvironment(lookup: Lookup, filters: EventFilters): PipelineSettings["providerEnvironment"] {
  const out: PipelineSettings["providerEnvironment"] = {};
  for (const { name, configuration } of REGISTRY.providers) {
    if (!configuration) continue;
    const value = jsonObject(lookup, configuration.context, `a JSON object (${configuration.description})`);
    if (!value) continue;
    const text = JSON.stringify(value);
    try {
      configuration.validate?.(text);
    } catch (error) {
      throw new InvalidSettingError(configuration.context, `is invalid: ${(error as Error).message}`);
    }
    const rules = filters[name];
    const filterBytes = rules ? Buffer.byteLength(JSON.stringify({ [name]: rules })) : 0;
    const budget = LAMBDA_ENVIRONMENT_MAX_BYTES - INGEST_BASE_ENVIRONMENT_BYTES - filterBytes;
    const bytes = Buffer.byteLength(configuration.variable) + Buffer.byteLength(text);
    if (bytes > budget) {
      throw new InvalidSettingError(
        configuration.context,
        `takes ${bytes} bytes as ${configuration.variable}, over the ${budget} the ${name} function's environment has left ` +
          `(Lambda allows ${LAMBDA_ENVIRONMENT_MAX_BYTES} bytes in all${filterBytes ? `, its eventFilters take ${filterBytes}` : ""}): ` +
          "shorten it (fewer sources, shorter paths and header names)",
      );
    }
    out[name] = { [configuration.variable]: text };
  }
  return out;
}

/** The settings from a context lookup (`(name) => node.tryGetContext(name)`), validated. */
export function readSettings(lookup: Lookup): PipelineSettings {
  const filters = eventFilters(lookup);
  const throttleRateLimit = positive(lookup, "throttleRateLimit", false, " (requests per second per route)");
  const throttleBurstLimit = positive(
    lookup,
    "throttleBurstLimit",
    true,
    " (requests a route may take at once)",
  );
  const routerMaxBatchingWindowSeconds = integer(lookup, "routerMaxBatchingWindowSeconds", 0, 300);
  const routerBatchSize = integer(lookup, "routerBatchSize", 1, 10_000);
  if (routerBatchSize > 10 && routerMaxBatchingWindowSeconds === 0) {
    throw new InvalidSettingError(
      "routerBatchSize",
      `above 10 needs routerMaxBatchingWindowSeconds of at least 1 (SQS event sources), got ${routerBatchSize}`,
    );
  }
  const routerTimeoutMs = WEBHOOK_QUEUE.routerTimeoutSeconds * 1000;
  const agentTimeoutMs = integer(
    lookup,
    "agentTimeoutMs",
    100,
    routerTimeoutMs - 1000,
    ` (it must leave the router, which times out after ${WEBHOOK_QUEUE.routerTimeoutSeconds} s, time to record the outcome)`,
  );
  return {
    agentUrl: text(lookup, "agentUrl", /^https:\/\/\S+$/, "an https:// URL"),
    throttleRateLimit,
    throttleBurstLimit,
    teamTokenSecretPrefix:
      text(
        lookup,
        "teamTokenSecretPrefix",
        SECRET_NAME_PREFIX,
        "the start of a Secrets Manager secret name (letters, digits and / _ + = . @ -)",
      ) ?? DEFAULT_TEAM_TOKEN_SECRET_PREFIX,
    maxReceiveCount: integer(lookup, "maxReceiveCount", 1, 1000),
    routerBatchSize,
    routerMaxBatchingWindowSeconds,
    routerMaxConcurrency: integer(
      lookup,
      "routerMaxConcurrency",
      2,
      1000,
      " (Lambda's limits for SQS sources)",
    ),
    agentTimeoutMs,
    routingCacheSeconds: integer(lookup, "routingCacheSeconds", 0, 3600),
    defaultTeam: text(lookup, "defaultTeam", /^[^/\s]+\/[^/\s]+$/, "<org_id>/<team_node_id>"),
    slackApiUrl:
      text(lookup, "slackApiUrl", /^https:\/\/\S+$/, "an https:// URL") ?? DEFAULT_SETTINGS.slackApiUrl,
    secretsCacheSeconds: integer(lookup, "secretsCacheSeconds", 0, 3600),
    ingestSecretsCacheSeconds: integer(lookup, "ingestSecretsCacheSeconds", 0, 86_400),
    routingTableDeletionProtection: boolean(lookup, "routingTableDeletionProtection"),
    eventsTablePointInTimeRecovery: boolean(lookup, "eventsTablePointInTimeRecovery"),
    deliveredEventRetentionDays: integer(
      lookup,
      "deliveredEventRetentionDays",
      Math.ceil(IDEMPOTENCY_TABLE.defaultWindowSeconds / 86_400),
      3653,
      " (days; at least the router's idempotency window of 1 day: the delivery guard reads a delivered record to know its key was handled)",
    ),
    logRetentionDays: (() => {
      const days = integer(lookup, "logRetentionDays", 1, 3653);
      if (!(LOG_RETENTION_DAYS as readonly number[]).includes(days)) {
        throw new InvalidSettingError(
          "logRetentionDays",
          `must be one of ${LOG_RETENTION_DAYS.join(", ")}, got ${days}`,
        );
      }
      return days;
    })(),
    logLevel: oneOf(lookup, "logLevel", LOG_LEVELS),
    accessLogClass: oneOf(lookup, "accessLogClass", LOG_GROUP_CLASSES),
    tracingSampleRate: fraction(lookup, "tracingSampleRate"),
    alarmEmail: text(lookup, "alarmEmail", /^[^@\s]+@[^@\s]+\.[^@\s]+$/, "an email address"),
    alarmTopicArn: text(
      lookup,
      "alarmTopicArn",
      /^arn:aws[a-z-]*:sns:[a-z0-9-]+:\d{12}:[A-Za-z0-9_-]+$/,
      "an SNS topic ARN",
    ),
    queueAgeAlarmSeconds: integer(lookup, "queueAgeAlarmSeconds", 60, 1_209_600),
    agentErrorRateAlarmPercent: integer(lookup, "agentErrorRateAlarmPercent", 1, 100),
    api5xxAlarmThreshold: integer(lookup, "api5xxAlarmThreshold", 1, 1_000_000),
    existingSecrets: existingSecrets(lookup),
    eventFilters: filters,
    providerEnvironment: providerEnvironment(lookup, filters),
    ...githubReconciler(lookup),
  };
}

/**
 * The reconciler's schedule: its function times out before the next run starts, and each run looks
 * back at least as far as the last one started (no gap; the default window grows to a longer rate),
 * at most as long as GitHub Enterprise Server keeps its delivery log (github.com keeps 3 days).
 */
function githubReconciler(lookup: Lookup) {
  const rate = integer(
    lookup,
    "githubReconcileRateMinutes",
    GITHUB_RECONCILER.minRateMinutes,
    GITHUB_RECONCILER.maxRateMinutes,
    ` (the reconciler may run ${GITHUB_RECONCILER.timeoutMinutes} minutes, and two runs must not overlap)`,
  );
  return {
    githubAppSecretName: text(
      lookup,
      "githubAppSecretName",
      SECRET_NAME,
      "a Secrets Manager secret name (letters, digits and / _ + = . @ -)",
    ),
    githubReconcileRateMinutes: rate,
    githubReconcileWindowMinutes: Math.max(
      rate,
      integer(
        lookup,
        "githubReconcileWindowMinutes",
        rate,
        GITHUB_RECONCILER.maxWindowMinutes,
        " (at least githubReconcileRateMinutes, so no delivery falls between two runs; GitHub keeps its delivery log 3 to 7 days)",
      ),
    ),
    githubReconcileMax: integer(lookup, "githubReconcileMax", 1, 1000),
    githubApiUrl:
      text(lookup, "githubApiUrl", /^https:\/\/\S+$/, "an https:// URL") ?? DEFAULT_SETTINGS.githubApiUrl,
  };
}
