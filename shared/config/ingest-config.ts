import type { ProviderName } from "../providers/provider";
import { PROVIDER_NAMES } from "../providers/provider";

/** SQS's own maximum message size (1 MiB); a queue may be configured lower. */
export const SQS_MAX_MESSAGE_BYTES = 1_048_576;

export interface IngestConfig {
  /** Bodies larger than this are refused with 413 before any work is done. */
  maxBodyBytes: number;
  /** The queue's maximum message size: an envelope larger than this is refused with 413. */
  maxMessageBytes: number;
  /** Set when this function serves one provider only (one deployment per provider). */
  provider?: ProviderName;
}

function positiveInt(env: NodeJS.ProcessEnv, name: string, fallback: number): number {
  const raw = env[name];
  if (raw === undefined || raw === "") return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value <= 0)
    throw new Error(`${name} must be a positive whole number, got '${raw}'`);
  return value;
}

/** Ingest settings from the environment, with their documented defaults. */
export function ingestConfigFromEnv(env: NodeJS.ProcessEnv = process.env): IngestConfig {
  const provider = env.PROVIDER?.trim();
  if (provider && !(PROVIDER_NAMES as readonly string[]).includes(provider)) {
    throw new Error(`PROVIDER must be one of ${PROVIDER_NAMES.join(", ")}, got '${provider}'`);
  }
  return {
    maxBodyBytes: positiveInt(env, "MAX_BODY_BYTES", SQS_MAX_MESSAGE_BYTES),
    maxMessageBytes: positiveInt(env, "MAX_MESSAGE_BYTES", SQS_MAX_MESSAGE_BYTES),
    ...(provider ? { provider: provider as ProviderName } : {}),
  };
}
