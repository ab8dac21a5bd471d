import { type EventFilters, parseEventFilters } from "../filters/event-filters";
import type { ProviderName } from "../providers/provider";
import { PROVIDER_NAMES } from "../providers/provider";
import { genericSourcesFromEnv } from "../sources/sources-from-env";

/** SQS's own maximum message size (1 MiB); a queue may be configured lower. */
export const SQS_MAX_MESSAGE_BYTES = 1_048_576;

/**
 * The default body limit: below Lambda's 6 MB limit on a synchronous invocation's event, which
 * holds the body plus headers and request context. API Gateway base64-encodes bodies it does not
 * treat as text (form-encoded ones among them), which grows them by 4/3: such a body near this
 * limit may be refused by Lambda before ingest sees it.
 */
export const DEFAULT_MAX_BODY_BYTES = 5_000_000;

export interface IngestConfig {
  /** Bodies larger than this are refused with 413 before any work is done. */
  maxBodyBytes: number;
  /**
   * The queue's maximum message size: an envelope larger than this carries its payload by reference
   * to the payload bucket (or, without one, is refused with 413).
   */
  maxMessageBytes: number;
  /** Set when this function serves one provider only (one deployment per provider). */
  provider?: ProviderName;
  /** Which events each provider forwards (EVENT_FILTERS); a provider without rules forwards all. */
  eventFilters?: EventFilters;
  /** The S3 bucket for payloads too large for one queue message (PAYLOAD_BUCKET). */
  payloadBucket?: string;
  /** The audit trail of requests ingest answers itself: where, for how long, and how many a minute. */
  audit?: { eventsTable: string; retentionDays: number; perMinute: number };
}

/** What `GET /health` reports and how often it asks the queue. */
export interface HealthConfig {
  version: string;
  cacheSeconds: number;
}

function wholeNumber(env: NodeJS.ProcessEnv, name: string, fallback: number, min: number): number {
  const raw = env[name];
  if (raw === undefined || raw === "") return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < min) {
    throw new Error(`${name} must be a whole number of at least ${min}, got '${raw}'`);
  }
  return value;
}

/** Ingest settings from the environment, with their documented defaults. */
export function ingestConfigFromEnv(env: NodeJS.ProcessEnv = process.env): IngestConfig {
  const provider = env.PROVIDER?.trim();
  if (provider && !(PROVIDER_NAMES as readonly string[]).includes(provider)) {
    throw new Error(`PROVIDER must be one of ${PROVIDER_NAMES.join(", ")}, got '${provider}'`);
  }
  const eventFilters = env.EVENT_FILTERS?.trim() ? parseEventFilters(env.EVENT_FILTERS) : undefined;
  // A bad source configuration stops the generic function at cold start, naming source and field.
  if (!provider || provider === "generic") genericSourcesFromEnv(env);
  const payloadBucket = env.PAYLOAD_BUCKET?.trim();
  const eventsTable = env.EVENTS_TABLE?.trim();
  return {
    maxBodyBytes: wholeNumber(env, "MAX_BODY_BYTES", DEFAULT_MAX_BODY_BYTES, 1),
    maxMessageBytes: wholeNumber(env, "MAX_MESSAGE_BYTES", SQS_MAX_MESSAGE_BYTES, 1),
    ...(provider ? { provider: provider as ProviderName } : {}),
    ...(eventFilters ? { eventFilters } : {}),
    ...(payloadBucket ? { payloadBucket } : {}),
    ...(eventsTable
      ? {
          audit: {
            eventsTable,
            retentionDays: wholeNumber(env, "AUDIT_RETENTION_DAYS", 7, 1),
            // Per source, reason and minute, per container; beyond it requests are only counted.
            perMinute: wholeNumber(env, "AUDIT_RECORDS_PER_MINUTE", 10, 0),
          },
        }
      : {}),
  };
}

/** Health settings: VERSION (else the version npm runs the package as), HEALTH_CACHE_SECONDS (default 30). */
export function healthConfigFromEnv(env: NodeJS.ProcessEnv = process.env): HealthConfig {
  return {
    version: env.VERSION?.trim() || env.npm_package_version || "unknown",
    cacheSeconds: wholeNumber(env, "HEALTH_CACHE_SECONDS", 30, 0),
  };
}
