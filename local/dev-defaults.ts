/**
 * Development secrets for the local pipeline, used only where the environment (or `.env`) sets
 * none. They are public by design: never deploy them. `npm run send` signs with the same values.
 */
export const DEV_SECRETS = {
  SLACK_SIGNING_SECRET: "dev-slack-signing-secret",
  GITHUB_WEBHOOK_SECRET: "dev-github-webhook-secret",
  PAGERDUTY_WEBHOOK_SECRET: "dev-pagerduty-webhook-secret",
  INCIDENTIO_WEBHOOK_SECRET: `whsec_${Buffer.from("dev-incidentio-webhook-secret").toString("base64")}`,
  JIRA_WEBHOOK_SECRET: "dev-jira-webhook-secret",
  GENERIC_WEBHOOK_SECRETS: JSON.stringify({ demo: "dev-generic-webhook-secret" }),
  AGENT_SIGNING_SECRET: `whsec_${Buffer.from("dev-agent-signing-secret").toString("base64")}`,
  SLACK_BOT_TOKEN: "xoxb-dev-token",
} as const;

export type DevSecretName = keyof typeof DEV_SECRETS;

/** Loads an untracked `.env` if there is one (values already in the environment win). */
export function loadDotEnv(path = ".env"): void {
  try {
    process.loadEnvFile(path);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== "ENOENT") throw error;
  }
}

/** Fills every unset secret with its development default; returns the names it filled. */
export function applyDevSecretDefaults(env: NodeJS.ProcessEnv = process.env): DevSecretName[] {
  const filled: DevSecretName[] = [];
  for (const [name, value] of Object.entries(DEV_SECRETS) as [DevSecretName, string][]) {
    if (!env[name] && !env[`${name}_ARN`]) {
      env[name] = value;
      filled.push(name);
    }
  }
  return filled;
}
