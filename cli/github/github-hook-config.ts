import type { GitHubDeliveriesConfig } from "../../shared/adapters/github/github-deliveries-client";
import { UsageError } from "../lib/errors";
import { text } from "../lib/target-options";

/** The options that say whose webhook to reconcile (commander's attribute names). */
export interface HookOptions {
  repo?: string;
  org?: string;
  hookId?: string;
}

export const DEFAULT_GITHUB_API_URL = "https://api.github.com";

const APP_HELP =
  "set them (GITHUB_APP_PRIVATE_KEY holds the App's PEM private key, e.g. " +
  'GITHUB_APP_PRIVATE_KEY="$(cat app.private-key.pem)"), or for a repository or organization hook pass ' +
  "--repo OWNER/NAME or --org NAME with --hook-id N and set GITHUB_TOKEN";

function apiUrlOf(env: NodeJS.ProcessEnv): string {
  const value = text(env.GITHUB_API_URL) ?? DEFAULT_GITHUB_API_URL;
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new UsageError(
      `GITHUB_API_URL must be a URL like ${DEFAULT_GITHUB_API_URL} or https://HOST/api/v3, got ${JSON.stringify(value)}`,
    );
  }
  if (url.protocol !== "https:" && url.protocol !== "http:") {
    throw new UsageError(`GITHUB_API_URL must be an http(s) URL, got ${JSON.stringify(value)}`);
  }
  return value;
}

function hookIdOf(value: string | undefined, owner: string): number {
  if (value === undefined)
    throw new UsageError(`${owner} needs --hook-id N (the webhook's id, in its settings URL …/hooks/N)`);
  const id = Number(value);
  if (!/^\d+$/.test(value.trim()) || !Number.isSafeInteger(id) || id < 1) {
    throw new UsageError(`--hook-id must be a positive whole number, got ${JSON.stringify(value)}`);
  }
  return id;
}

function tokenOf(env: NodeJS.ProcessEnv, scope: string): string {
  const token = text(env.GITHUB_TOKEN);
  if (!token) {
    throw new UsageError(
      `set GITHUB_TOKEN to a token that may read and redeliver the hook's deliveries (${scope})`,
    );
  }
  return token;
}

/**
 * Whose delivery log to read, from the options and the environment: a repository's or an
 * organisation's hook with GITHUB_TOKEN, else the GitHub App's own hook with GITHUB_APP_ID and
 * GITHUB_APP_PRIVATE_KEY. Says which variables or options are missing; never quotes a secret.
 */
export function githubHookConfig(options: HookOptions, env: NodeJS.ProcessEnv): GitHubDeliveriesConfig {
  const apiUrl = apiUrlOf(env);
  if (options.repo !== undefined) {
    const [owner, name, ...rest] = options.repo.trim().split("/");
    if (!owner || !name || rest.length > 0) {
      throw new UsageError(`--repo must be OWNER/NAME, got ${JSON.stringify(options.repo)}`);
    }
    const hookId = hookIdOf(options.hookId, "--repo");
    const token = tokenOf(
      env,
      "classic: the repo scope; fine-grained: Webhooks read and write on the repository",
    );
    return { apiUrl, repo: { owner, name, hookId, token } };
  }
  if (options.org !== undefined) {
    const org = text(options.org);
    if (!org || org.includes("/"))
      throw new UsageError(`--org must be an organization's login, got ${JSON.stringify(options.org)}`);
    const hookId = hookIdOf(options.hookId, "--org");
    const token = tokenOf(
      env,
      "classic: the admin:org_hook scope; fine-grained: Webhooks read and write on the organization",
    );
    return { apiUrl, org: { org, hookId, token } };
  }
  if (options.hookId !== undefined)
    throw new UsageError("--hook-id goes with --repo OWNER/NAME or --org NAME");
  const appId = text(env.GITHUB_APP_ID);
  const privateKey = text(env.GITHUB_APP_PRIVATE_KEY);
  const missing = [appId ? "" : "GITHUB_APP_ID", privateKey ? "" : "GITHUB_APP_PRIVATE_KEY"].filter(Boolean);
  if (missing.length > 0)
    throw new UsageError(`no GitHub credentials: ${missing.join(" and ")} not set; ${APP_HELP}`);
  if (!/^\d+$/.test(appId!) && !/^Iv\w+$/.test(appId!)) {
    throw new UsageError(
      `GITHUB_APP_ID must be the App's numeric id (or its client id Iv…), got ${JSON.stringify(appId)}`,
    );
  }
  return { apiUrl, app: { appId: appId!, privateKey: privateKey! } };
}
