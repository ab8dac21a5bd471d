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

export type FetchSecret = (arn: string, maxAgeSeconds: number) => Promise<string | undefined>;

const fetchFromSecretsManager: FetchSecret = async (arn, maxAge) => {
  const value = await getSecret(arn, { maxAge });
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
 * names a Secrets Manager secret (Lambda), fetched through Powertools' cache so a warm function
 * does not call Secrets Manager per request, yet picks up a rotation within `maxAgeSeconds`.
 */
export class SecretReader {
  constructor(
    private readonly env: NodeJS.ProcessEnv = process.env,
    private readonly fetchSecret: FetchSecret = fetchFromSecretsManager,
    private readonly maxAgeSeconds = Number(env.SECRETS_CACHE_SECONDS ?? 300),
  ) {}

  async read(name: SecretName): Promise<string> {
    const plain = this.env[name];
    if (plain !== undefined && plain !== "") return plain;
    const arn = this.env[`${name}_ARN`];
    if (arn) {
      const value = await this.fetchSecret(arn, this.maxAgeSeconds);
      if (value !== undefined && value !== "") return value;
    }
    throw new SecretNotConfiguredError(name);
  }
}
