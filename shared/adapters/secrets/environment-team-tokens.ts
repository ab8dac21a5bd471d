import type { SecretName } from "../../secrets/secret-reader";
import { TeamTokenError, type TeamTokens } from "../../secrets/team-tokens";

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
