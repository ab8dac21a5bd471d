import { UsageError } from "./errors";

const UNIT_SECONDS = { s: 1, m: 60, h: 3600, d: 86_400 } as const;

/**
 * `--since`: a duration back from now (`30m`, `1h`, `24h`, `7d`, `90s`) or an ISO 8601 timestamp.
 * Returns the instant it names.
 */
export function parseSince(value: string, now: Date): Date {
  const trimmed = value.trim();
  const duration = /^(\d+)\s*([smhd])$/i.exec(trimmed);
  if (duration) {
    const seconds =
      Number(duration[1]) * UNIT_SECONDS[duration[2]!.toLowerCase() as keyof typeof UNIT_SECONDS];
    if (seconds <= 0)
      throw new UsageError(`--since must be a positive duration, got ${JSON.stringify(value)}`);
    return new Date(now.getTime() - seconds * 1000);
  }
  if (/^\d{4}-\d{2}-\d{2}/.test(trimmed)) {
    const instant = new Date(trimmed);
    if (!Number.isNaN(instant.getTime())) return instant;
  }
  throw new UsageError(
    `--since must be a duration like 30m, 1h, 24h or 7d, or an ISO timestamp; got ${JSON.stringify(value)}`,
  );
}

/** `--limit`/`--max`-style whole numbers within bounds. */
export function parseCount(value: string | undefined, flag: string, fallback: number, max: number) {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1 || n > max) {
    throw new UsageError(`${flag} must be a whole number from 1 to ${max}, got ${JSON.stringify(value)}`);
  }
  return n;
}

/** A short age for people: 45s, 12m, 3h, 2d. */
export function formatAge(seconds: number): string {
  if (seconds < 120) return `${Math.max(0, Math.round(seconds))}s`;
  if (seconds < 7200) return `${Math.round(seconds / 60)}m`;
  if (seconds < 172_800) return `${Math.round(seconds / 3600)}h`;
  return `${Math.round(seconds / 86_400)}d`;
}
