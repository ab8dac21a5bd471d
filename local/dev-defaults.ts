import { REGISTRY } from "../shared/providers/registry";
import type { SecretName } from "../shared/secrets/secret-reader";

/**
 * Development secrets for the local pipeline, used only where the environment (or `.env`) sets
 * none: each provider's documented development value, the router's agent signing secret and Slack
 * bot token. They are public by design: never deploy them. `npm run send` signs with the same values.
 */
export const DEV_SECRETS = {
  ...Object.fromEntries(REGISTRY.providers.map((p) => [p.secret.name, p.secret.development])),
  AGENT_SIGNING_SECRET: `whsec_${Buffer.from("dev-agent-signing-secret").toString("base64")}`,
  SLACK_BOT_TOKEN: "xoxb-dev-token",
  // Every secret the reader knows is a provider's or one of the router's two (a test checks it).
} as Readonly<Record<SecretName, string>>;

export type DevSecretName = SecretName;

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
