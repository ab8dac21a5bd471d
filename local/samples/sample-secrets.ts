import { DEV_SECRETS } from "../dev-defaults";
import type { SampleSecrets } from "./sample-webhooks";

export const SIGNING_SECRETS = [
  "SLACK_SIGNING_SECRET",
  "GITHUB_WEBHOOK_SECRET",
  "PAGERDUTY_WEBHOOK_SECRET",
  "INCIDENTIO_WEBHOOK_SECRET",
  "JIRA_WEBHOOK_SECRET",
  "GENERIC_WEBHOOK_SECRETS",
] as const satisfies readonly (keyof SampleSecrets)[];

/**
 * The secrets to sign samples with: each `*_SECRET` variable that is set, else its documented
 * development default (local/dev-defaults.ts). `defaulted` names the ones that fell back.
 */
export function sampleSecretsFromEnv(env: NodeJS.ProcessEnv): {
  secrets: SampleSecrets;
  defaulted: string[];
} {
  const defaulted: string[] = [];
  const secrets = {} as SampleSecrets;
  for (const name of SIGNING_SECRETS) {
    const value = env[name]?.trim();
    if (value) secrets[name] = value;
    else {
      secrets[name] = DEV_SECRETS[name];
      defaulted.push(name);
    }
  }
  return { secrets, defaulted };
}
