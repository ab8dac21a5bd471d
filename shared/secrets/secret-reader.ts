import { getSecret } from "@aws-lambda-powertools/parameters/secrets";

/** The environment variable names of every secret the pipeline uses. */
export type SecretName =
  | "SLACK_SIGNING_SECRET"
  | "GITHUB_WEBHOOK_SECRET"
  | "PAGERDUTY_WEBHOOK_SECRET"
  | "INCIDENTIO_WEBHOOK_SECRET"
  | "JIRA_WEBHOOK_SECRET"
  | "NOTION_WEBHOOK_SECRET"
  | "GENERIC_WEBHOOK_SECRETS"
  | "AGENT_SIGNING_SECRET"
  | "SLACK_BOT_TOKEN"
  | "GITHUB_APP_CREDENTIALS";

/** A secret's current value from the store, fresh (the reader caches it); undefined when it has none. */
export type FetchSecret = (arn: string, maxAgeSeconds: number) => Promise<string | undefined>;

// Fresh every time it is called: the reader below keeps the value for the cache age itself, and a
// value Powertools' cache had kept for a while would otherwise be kept that much longer again.
const fetchFromSecretsManager: FetchSecret = async (arn, maxAge) => {
  const value = await getSecret(arn, { maxAge, forceFetch: true });
  if (value === undefined || typeof value === "string") return value;
  return Buffer.from(value).toString("utf8");
};

export class SecretNotConfiguredError extends Error {
  constructor(readonly secretName: SecretName) {
    super(
      `${secretName} is not configured: set ${secretName} (plain value) or ${secretName}_ARN (Secrets Manager)`,
    );
    this.name = "SecretNotConfiguredError";
  }
}

/** The cache age when SECRETS_CACHE_SECONDS is not set. */
export const DEFAULT_SECRETS_CACHE_SECONDS = 300;

/**
 * The least time between two early re-reads of one secret (`refresh`): a flood of bad signatures
 * costs at most one Secrets Manager call per secret a minute in each warm function.
 */
export const DEFAULT_REFRESH_INTERVAL_SECONDS = 60;

/**
 * What an early re-read found: another value (`newer`), the same one, none because the last re-read
 * of that secret was too recent, none because the store could not be read (or held nothing), or none
 * because the value is not one the reader keeps from the store (a plain value, or not read yet).
 */
export type SecretRefresh = "newer" | "unchanged" | "too_soon" | "failed" | "not_kept";

/**
 * Reads a secret's raw value: `NAME` holds it in plain text (local runs and tests), `NAME_ARN`
 * names a Secrets Manager secret (Lambda), fetched through Powertools and kept for `maxAgeSeconds`
 * from the moment it was asked for, so a warm function does not call Secrets Manager per request,
 * yet picks up a rotation within `maxAgeSeconds`. Kept here rather than in Powertools' cache: a
 * fresh value is then answered without an options object, a cache key, and three more promises.
 * A failed or empty read is not kept: the next request asks again. Requests that find the value
 * missing or stale at once share one read.
 */
export class SecretReader {
  private readonly fetched = new Map<SecretName, { value: string; freshUntil: number }>();
  private readonly reading = new Map<SecretName, Promise<string>>();
  private readonly lastRefresh = new Map<SecretName, number>();

  constructor(
    private readonly env: NodeJS.ProcessEnv = process.env,
    private readonly fetchSecret: FetchSecret = fetchFromSecretsManager,
    private readonly maxAgeSeconds = Number(env.SECRETS_CACHE_SECONDS ?? DEFAULT_SECRETS_CACHE_SECONDS),
    private readonly refreshIntervalSeconds = DEFAULT_REFRESH_INTERVAL_SECONDS,
  ) {}

  async read(name: SecretName): Promise<string> {
    return this.held(name) ?? this.reading.get(name) ?? this.fetch(name);
  }

  /**
   * The value `read` would answer without reading the store (a plain value, or one kept and still
   * fresh), undefined when it has to read: a warm function's request then checks its signature
   * without waiting on a promise.
   */
  held(name: SecretName): string | undefined {
    const plain = this.plainValue(name);
    if (plain !== undefined) return plain;
    const kept = this.fetched.get(name);
    return kept !== undefined && Date.now() < kept.freshUntil ? kept.value : undefined;
  }

  /**
   * Re-reads a kept value before its cache age, for a request its credential did not verify with:
   * `newer` when the store now holds another value (kept, for `read` to answer), otherwise why there
   * is nothing fresher to try. At most one re-read per secret each `refreshIntervalSeconds`, whatever
   * it found; requests asking meanwhile share the read in flight or get `too_soon` at once. A failed
   * or empty re-read keeps the value already held: Secrets Manager being down or throttled, or the
   * secret emptied by mistake, must not stop the requests that verify with it.
   */
  async refresh(name: SecretName): Promise<SecretRefresh> {
    const kept = this.fetched.get(name);
    // A plain value never changes; a secret not read yet (or whose read failed) is read by `read`.
    if (this.plainValue(name) !== undefined || kept === undefined) return "not_kept";
    let pending = this.reading.get(name);
    if (pending === undefined) {
      const last = this.lastRefresh.get(name);
      if (last !== undefined && Date.now() - last < this.refreshIntervalSeconds * 1000) return "too_soon";
      this.lastRefresh.set(name, Date.now());
      pending = this.fetch(name);
    }
    try {
      return (await pending) !== kept.value ? "newer" : "unchanged";
    } catch {
      return "failed";
    }
  }

  /** The value given in the environment itself (local runs and tests), which never changes. */
  private plainValue(name: SecretName): string | undefined {
    const plain = this.env[name];
    return plain === "" ? undefined : plain;
  }

  /** One read from the store, shared by whoever asks while it is in flight. */
  private fetch(name: SecretName): Promise<string> {
    const read = this.readStore(name).finally(() => this.reading.delete(name));
    this.reading.set(name, read);
    return read;
  }

  private async readStore(name: SecretName): Promise<string> {
    const arn = this.env[`${name}_ARN`];
    if (!arn) throw new SecretNotConfiguredError(name);
    const askedAt = Date.now();
    const value = await this.fetchSecret(arn, this.maxAgeSeconds);
    if (value === undefined || value === "") throw new SecretNotConfiguredError(name);
    this.fetched.set(name, { value, freshUntil: askedAt + this.maxAgeSeconds * 1000 });
    return value;
  }
}
