import { REGISTRY } from "../../shared/providers/registry";
import { DEV_SECRETS } from "../dev-defaults";
import type { SampleSecrets } from "./sample-webhooks";

/** The secret each provider verifies with: what its samples are signed with. */
export const SIGNING_SECRETS: readonly string[] = REGISTRY.providers.map((p) => p.secret.name);

/**
 * The secrets to sign samples with: each provider's secret variable that is set, else its
 * development default (local/dev-defaults.ts). `defaulted` names the ones that fell back.
 */
export function sampleSecretsFromEnv(env: NodeJS.ProcessEnv): {
  secrets: SampleSecrets;
  defaulted: string[];
} {
  const defaulted: string[] = [];
  const secrets: Record<string, string> = {};
  for (const name of SIGNING_SECRETS) {
    const value = env[name]?.trim();
    if (value) secrets[name] = value;
    else {
      secrets[name] = DEV_SECRETS[name as keyof typeof DEV_SECRETS];
      defaulted.push(name);
    }
  }
  return { secrets, defaulted };
}
