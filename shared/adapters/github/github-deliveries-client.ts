import { createAppAuth } from "@octokit/auth-app";
import { Octokit } from "@octokit/core";
import { paginateRest } from "@octokit/plugin-paginate-rest";
import {
  type GitHubDeliveries,
  type GitHubDelivery,
  GitHubRequestError,
} from "../../github/github-deliveries";
import { appPrivateKeyPem } from "./app-private-key";
import { DEFAULT_PACING, type PacingOptions, paceRequests } from "./rate-limit-pacing";

/** Whose webhook's delivery log to read: exactly one of `app`, `repo` and `org`. */
export interface GitHubDeliveriesConfig {
  /** `https://api.github.com`, or a GitHub Enterprise Server's `https://<host>/api/v3`. */
  apiUrl: string;
  /** A GitHub App's own webhook, authenticated with a JWT signed by the App's private key (PEM). */
  app?: { appId: string | number; privateKey: string };
  repo?: { owner: string; name: string; hookId: number; token: string };
  org?: { org: string; hookId: number; token: string };
  /** Request pacing and rate-limit waits (tests shorten them). */
  pacing?: Partial<PacingOptions>;
  /** How long one request may wait for GitHub's answer (default 30 s): a stalled connection must not hold a run. */
  timeoutMs?: number;
}

/** A delivery as GitHub's REST API lists it (`hook-delivery-item`). */
interface DeliveryItem {
  id: number;
  guid: string;
  delivered_at: string;
  redelivery: boolean;
  status_code: number;
  event: string;
  action: string | null;
}

const PER_PAGE = 100;
const Client = Octokit.plugin(paginateRest);
type Client = InstanceType<typeof Client>;

const DEFAULT_TIMEOUT_MS = 30_000;

/**
 * Octokit's own log lines (deprecation notices) would be unstructured lines in a function's log,
 * paid per line; its failures are thrown, and the caller reports them.
 */
const quiet = { debug: () => {}, info: () => {}, warn: () => {}, error: () => {} };

/** The webhook's delivery routes and their fixed parameters. */
function hookRoutes(config: GitHubDeliveriesConfig): {
  base: string;
  params: Record<string, string | number>;
} {
  const chosen = [config.app, config.repo, config.org].filter(Boolean).length;
  if (chosen !== 1)
    throw new Error("configure exactly one of a GitHub App, a repository hook and an organization hook");
  if (config.app) return { base: "/app/hook", params: {} };
  if (config.repo) {
    const { owner, name, hookId } = config.repo;
    return { base: "/repos/{owner}/{repo}/hooks/{hook_id}", params: { owner, repo: name, hook_id: hookId } };
  }
  const { org, hookId } = config.org!;
  return { base: "/orgs/{org}/hooks/{hook_id}", params: { org, hook_id: hookId } };
}

function clientFor(config: GitHubDeliveriesConfig): Client {
  const common = { baseUrl: config.apiUrl.replace(/\/+$/, ""), userAgent: "webhook-pipeline", log: quiet };
  if (config.app) {
    return new Client({
      ...common,
      authStrategy: createAppAuth,
      auth: { appId: config.app.appId, privateKey: appPrivateKeyPem(config.app.privateKey) },
    });
  }
  return new Client({ ...common, auth: (config.repo ?? config.org)?.token });
}

/**
 * GitHub's answer as our error: its status and message, never the request's headers (they hold
 * the token). A request that got no answer (refused connection, DNS, TLS) has status 0.
 */
function asGitHubError(error: unknown, what: string, apiUrl: string): Error {
  if (error instanceof GitHubRequestError) return error;
  const { status, response } = error as { status?: unknown; response?: { data?: unknown } };
  if (typeof status !== "number" || !response) {
    const cause = (error as Error).cause as Error | undefined;
    const reason = [(error as Error).message, cause?.message].filter(Boolean).join(": ");
    return new GitHubRequestError(`${what}: no answer from ${apiUrl} (${reason})`, 0);
  }
  const said = (response.data as { message?: unknown } | undefined)?.message;
  return new GitHubRequestError(
    `${what}: GitHub answered ${status}${typeof said === "string" ? ` (${said})` : ""}`,
    status,
  );
}

const toDelivery = (item: DeliveryItem): GitHubDelivery => ({
  id: item.id,
  guid: item.guid,
  deliveredAt: new Date(item.delivered_at),
  redelivery: item.redelivery,
  statusCode: item.status_code,
  event: item.event,
  ...(item.action ? { action: item.action } : {}),
});

/**
 * GitHub's delivery log through Octokit: `GET …/hook/deliveries` page by page (its cursor
 * pagination, followed through the `Link` header) and `POST …/deliveries/{id}/attempts`.
 * Requests are made one at a time and paced (see `paceRequests`).
 */
export function createGitHubDeliveries(config: GitHubDeliveriesConfig): GitHubDeliveries {
  const { base, params } = hookRoutes(config);
  const octokit = clientFor(config);
  const timeoutMs = config.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  octokit.hook.before("request", (options) => {
    options.request = { ...options.request, signal: AbortSignal.timeout(timeoutMs) };
  });
  paceRequests(octokit, { ...DEFAULT_PACING, ...config.pacing });
  return {
    async *listSince(since: Date) {
      const pages = octokit.paginate.iterator(`GET ${base}/deliveries`, { ...params, per_page: PER_PAGE });
      try {
        for await (const page of pages) {
          let older = false;
          for (const item of page.data as DeliveryItem[]) {
            const delivery = toDelivery(item);
            if (delivery.deliveredAt >= since) yield delivery;
            else older = true;
          }
          // Newest first: a page reaching back past `since` is the last one needed.
          if (older) return;
        }
      } catch (error) {
        throw asGitHubError(error, "listing the webhook's deliveries failed", config.apiUrl);
      }
    },
    async redeliver(deliveryId: number) {
      try {
        await octokit.request(`POST ${base}/deliveries/{delivery_id}/attempts`, {
          ...params,
          delivery_id: deliveryId,
        });
      } catch (error) {
        throw asGitHubError(error, `asking GitHub to redeliver delivery ${deliveryId} failed`, config.apiUrl);
      }
    },
  };
}
