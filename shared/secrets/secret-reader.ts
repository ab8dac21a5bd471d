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

/**
 * Reads a secret's raw value: `NAME` holds it in plain text (local runs and tests), `NAME_ARN`
 * names a Secrets Manager secret (Lambda), fetched through Powertools and kept for `maxAgeSeconds`
 * from the moment it was asked for, so a warm function does not call Secrets Manager per request,
 * yet picks up a rotation within `maxAgeSeconds`. Kept here rather than in Powertools' cache: a
 * fresh value is then answered without an options object, a cache key, and three more promises.
 * A failed or empty read is not kept: the next request asks again.
 */
export class SecretReader {
  private readonly fetched = new Map<SecretName, { value: string; freshUntil: number }>();

  constructor(
    private readonly env: NodeJS.ProcessEnv = process.env,
    private readonly fetchSecret: FetchSecret = fetchFromSecretsManager,
    private readonly maxAgeSeconds = Number(env.SECRETS_CACHE_SECONDS ?? 300),
  ) {}

  async read(name: SecretName): Promise<string> {
    const plain = this.env[name];
    if (plain !== undefined && plain !== "") return plain;
    const kept = this.fetched.get(name);
    if (kept !== undefined && Date.now() < kept.freshUntil) return kept.value;
    const arn = this.env[`${name}_ARN`];
    if (arn) {
      const askedAt = Date.now();
      const value = await this.fetchSecret(arn, this.maxAgeSeconds);
      if (value !== undefined && value !== "") {
        this.fetched.set(name, { value, freshUntil: askedAt + this.maxAgeSeconds * 1000 });
        return value;
      }
    }
    throw new SecretNotConfiguredError(name);
  }
}
