import { randomUUID } from "node:crypto";
import type { Provider, ProviderName, ProviderRoute } from "../../shared/providers/provider";
import { REGISTRY } from "../../shared/providers/registry";
import { parseSecretList } from "../../shared/secrets/secret-values";

/**
 * Freshly signed webhook requests, one per route of the registry: each route's own sample (seed
 * 000's routing identifiers: Slack channel C0A4967KRBM, repo incidentfox/mono-repo, PagerDuty
 * service PXXXXXX, incident.io alert source 01KEGMSPPCKFPYHT2ZSNQ7WY3J), signed by its provider's
 * `sign` so it verifies exactly as the provider's would. Used by `npm run send`, `npm run events`
 * and the soak.
 */
export interface SampleWebhook {
  /** File-friendly name: the provider's (`github`), or with the route's last segment (`slack-events`). */
  name: string;
  provider: ProviderName;
  /** The route template as deployed (`/webhooks/generic/{source}`). */
  route: string;
  /** The concrete path (`/webhooks/generic/demo`). */
  path: string;
  pathParameters?: Record<string, string>;
  headers: Record<string, string>;
  body: string;
}

/** The secret values to sign with, by secret name, in the variables' format (JSON array allowed). */
export type SampleSecrets = Readonly<Record<string, string>>;

export interface SampleOptions {
  now?: Date;
  /** The source to sign `{source}` routes for (default: the first one their secret names). */
  genericSource?: string;
  /** The channel the Slack samples come from (one no team claims makes them unrouted). */
  slackChannel?: string;
}

/** The name `npm run send` knows a route's sample by. */
export const sampleName = (provider: Provider, route: ProviderRoute): string =>
  provider.routes.length > 1 ? `${provider.name}-${route.path.split("/").at(-1)}` : provider.name;

/** A sender signs with one secret: during rotation, the newest (last) of the active ones. */
function newest(name: string, value: string): string {
  const secret = parseSecretList(value).at(-1);
  if (!secret) throw new Error(`${name} is empty: nothing to sign the sample with`);
  return secret;
}

/**
 * The source to sign a `{source}` route for and its secret: the route's secret is a JSON object of
 * source name → secret (or array of secrets).
 */
function sourceSecret(name: string, value: string, wanted?: string): { source: string; secret: string } {
  const sources = JSON.parse(value) as Record<string, unknown>;
  const source = wanted ?? Object.keys(sources)[0];
  const entry = source === undefined ? undefined : sources[source];
  if (source === undefined || entry === undefined) {
    throw new Error(`${name} has no secret for source '${wanted ?? "(any)"}'`);
  }
  return { source, secret: newest(name, typeof entry === "string" ? entry : JSON.stringify(entry)) };
}

function sample(
  provider: Provider,
  route: ProviderRoute,
  secrets: SampleSecrets,
  options: SampleOptions,
): SampleWebhook {
  const { name } = provider.secret;
  const value = secrets[name];
  if (value === undefined) throw new Error(`no ${name} to sign the ${provider.name} sample with`);
  const parameterised = route.path.includes("{source}");
  const { source, secret } = parameterised
    ? sourceSecret(name, value, options.genericSource)
    : { source: undefined, secret: newest(name, value) };
  const now = options.now ?? new Date();
  const context = {
    now,
    id: randomUUID(),
    ...(options.slackChannel ? { channel: options.slackChannel } : {}),
  };
  const body = route.sample.body(context);
  const headers = {
    "user-agent": "webhook-pipeline-sample/1.0",
    "content-type": route.sample.contentType,
    ...route.sample.headers?.(context),
  };
  return {
    name: sampleName(provider, route),
    provider: provider.name,
    route: route.path,
    path: source === undefined ? route.path : route.path.replace("{source}", source),
    ...(source === undefined ? {} : { pathParameters: { source } }),
    headers: { ...headers, ...provider.sign(secret, body, headers, now) },
    body,
  };
}

export function buildSampleWebhooks(secrets: SampleSecrets, options: SampleOptions = {}): SampleWebhook[] {
  return REGISTRY.providers.flatMap((provider) =>
    provider.routes.map((route) => sample(provider, route, secrets, options)),
  );
}
