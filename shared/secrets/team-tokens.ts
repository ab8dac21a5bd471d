import { getSecret } from "@aws-lambda-powertools/parameters/secrets";
import type { SecretName } from "./secret-reader";

/** The router's port onto teams' agent tokens (`agent.token_secret` in a team's config). */
export interface TeamTokens {
  /** The token's value; throws naming the secret (never quoting a value) when it cannot be read. */
  read(secretName: string): Promise<string>;
}

export class TeamTokenError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "TeamTokenError";
  }
}

/** In AWS: Secrets Manager, through Powertools' cache (a rotation is picked up within `maxAgeSeconds`). */
export class SecretsManagerTeamTokens implements TeamTokens {
  constructor(private readonly maxAgeSeconds: number) {}

  async read(secretName: string): Promise<string> {
    let value: unknown;
    try {
      value = await getSecret(secretName, { maxAge: this.maxAgeSeconds });
    } catch (error) {
      throw new TeamTokenError(
        `the team's agent token secret ${secretName} could not be read (${(error as Error).name}): check that it exists under the router's allowed prefix`,
      );
    }
    const token =
      typeof value === "string" ? value : value ? Buffer.from(value as Uint8Array).toString("utf8") : "";
    if (token.trim() === "") throw new TeamTokenError(`the team's agent token secret ${secretName} is empty`);
    return token.trim();
  }
}

/** The pipeline's own secrets: a team config naming one of them must not get it sent to its agent. */
const PIPELINE_SECRETS: readonly SecretName[] = [
  "SLACK_SIGNING_SECRET",
  "GITHUB_WEBHOOK_SECRET",
  "PAGERDUTY_WEBHOOK_SECRET",
  "INCIDENTIO_WEBHOOK_SECRET",
  "JIRA_WEBHOOK_SECRET",
  "GENERIC_WEBHOOK_SECRETS",
  "AGENT_SIGNING_SECRET",
  "SLACK_BOT_TOKEN",
];

/** In the local pipeline: `token_secret` names an environment variable. */
export class EnvironmentTeamTokens implements TeamTokens {
  constructor(private readonly env: NodeJS.ProcessEnv = process.env) {}

  async read(secretName: string): Promise<string> {
    const name = secretName.replace(/_ARN$/, "");
    if ((PIPELINE_SECRETS as readonly string[]).includes(name)) {
      throw new TeamTokenError(
        `the team's agent token secret ${secretName} names one of the pipeline's own secrets; give the team a secret of its own`,
      );
    }
    const token = this.env[secretName]?.trim();
    if (!token) {
      throw new TeamTokenError(
        `the team's agent token secret ${secretName} is not set: export ${secretName}=<token> before npm start`,
      );
    }
    return token;
  }
}
