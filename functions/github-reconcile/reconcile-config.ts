import { z } from "zod";
import { GITHUB_RECONCILER } from "../../shared/config/resources";

/** The scheduled reconciler's settings, from its environment (the stack sets every one). */
export interface ReconcileConfig {
  eventsTable: string;
  idempotencyTable: string;
  /** GitHub's REST API (GitHub Enterprise Server: `https://HOST/api/v3`). */
  apiUrl: string;
  /** Each run looks at the deliveries GitHub attempted in this many minutes before it started. */
  windowMinutes: number;
  /** Redeliveries one run may request. */
  maxRedeliveries: number;
  /** How long the App's credentials read from Secrets Manager are reused. */
  secretsCacheSeconds: number;
}

export class ReconcileConfigError extends Error {
  constructor(problems: string[]) {
    super(`the GitHub reconciler is misconfigured: ${problems.join("; ")}`);
    this.name = "ReconcileConfigError";
  }
}

const name = (meaning: string) =>
  z
    .string({ error: `is not set: it must name ${meaning}` })
    .trim()
    .min(1, `is empty: it must name ${meaning}`);

const wholeNumber = (fallback: number, min: number, max: number) =>
  z
    .string()
    .trim()
    .optional()
    .transform((raw, ctx) => {
      if (raw === undefined || raw === "") return fallback;
      const value = Number(raw);
      if (Number.isInteger(value) && value >= min && value <= max) return value;
      ctx.addIssue({ code: "custom", message: `must be a whole number from ${min} to ${max}, got '${raw}'` });
      return z.NEVER;
    });

const ENV = z.object({
  EVENTS_TABLE: name("the events table (the audit trail redeliveries are recorded in)"),
  IDEMPOTENCY_TABLE: name("the idempotency table (the delivery guard's claims)"),
  GITHUB_API_URL: z
    .string()
    .trim()
    .optional()
    .transform((raw, ctx) => {
      const value = raw || GITHUB_RECONCILER.defaultApiUrl;
      if (URL.canParse(value) && /^https?:$/.test(new URL(value).protocol)) return value.replace(/\/+$/, "");
      ctx.addIssue({ code: "custom", message: `must be an http(s) URL, got '${value}'` });
      return z.NEVER;
    }),
  GITHUB_RECONCILE_WINDOW_MINUTES: wholeNumber(
    GITHUB_RECONCILER.defaultWindowMinutes,
    1,
    GITHUB_RECONCILER.maxWindowMinutes,
  ),
  GITHUB_RECONCILE_MAX: wholeNumber(GITHUB_RECONCILER.defaultMax, 1, 1000),
  SECRETS_CACHE_SECONDS: wholeNumber(300, 0, 86_400),
});

/** The reconciler's settings, with their documented defaults; throws naming every bad variable. */
export function reconcileConfigFromEnv(env: NodeJS.ProcessEnv = process.env): ReconcileConfig {
  const parsed = ENV.safeParse(env);
  if (!parsed.success) {
    throw new ReconcileConfigError(parsed.error.issues.map((i) => `${i.path.join(".")} ${i.message}`));
  }
  const vars = parsed.data;
  return {
    eventsTable: vars.EVENTS_TABLE,
    idempotencyTable: vars.IDEMPOTENCY_TABLE,
    apiUrl: vars.GITHUB_API_URL,
    windowMinutes: vars.GITHUB_RECONCILE_WINDOW_MINUTES,
    maxRedeliveries: vars.GITHUB_RECONCILE_MAX,
    secretsCacheSeconds: vars.SECRETS_CACHE_SECONDS,
  };
}
