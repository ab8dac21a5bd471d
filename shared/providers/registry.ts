import { generic } from "./generic";
import { github } from "./github";
import { incidentio } from "./incidentio";
import { jira } from "./jira";
import { pagerduty } from "./pagerduty";
import type { Provider, ProviderName, RouteMatch } from "./provider";
import { slack } from "./slack";

export const PROVIDERS: Readonly<Record<ProviderName, Provider>> = {
  slack,
  github,
  pagerduty,
  incidentio,
  jira,
  generic,
};

/** Every webhook path, as deployed on the API and served locally. `{source}` is a generic sender's name. */
export const WEBHOOK_ROUTES: ReadonlyArray<{ path: string; provider: ProviderName }> = [
  { path: "/webhooks/slack/events", provider: "slack" },
  { path: "/webhooks/slack/interactions", provider: "slack" },
  { path: "/webhooks/github", provider: "github" },
  { path: "/webhooks/pagerduty", provider: "pagerduty" },
  { path: "/webhooks/incidentio", provider: "incidentio" },
  { path: "/webhooks/jira", provider: "jira" },
  { path: "/webhooks/generic/{source}", provider: "generic" },
];

const GENERIC_SOURCE = /^\/webhooks\/generic\/([A-Za-z0-9_-]{1,64})$/;

/** The route a path addresses (a trailing slash tolerated), or undefined for an unknown path. */
export function matchRoute(path: string): RouteMatch | undefined {
  const normalised = path.length > 1 ? path.replace(/\/+$/, "") : path;
  const generic = GENERIC_SOURCE.exec(normalised);
  if (generic) return { provider: "generic", route: "/webhooks/generic/{source}", source: generic[1]! };
  const route = WEBHOOK_ROUTES.find((r) => r.path === normalised);
  return route ? { provider: route.provider, route: route.path } : undefined;
}
