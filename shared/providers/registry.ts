import { BUILT_IN_PROVIDERS } from "./built-in";
import type { Provider, ProviderName, ProviderRoute, RouteMatch } from "./provider";

/** A route with the provider it belongs to. */
export interface RegisteredRoute extends ProviderRoute {
  provider: ProviderName;
}

/** The providers, and everything derived from them that routes a request or deploys a route. */
export interface ProviderRegistry {
  readonly providers: readonly Provider[];
  readonly names: readonly [ProviderName, ...ProviderName[]];
  readonly byName: Readonly<Record<ProviderName, Provider>>;
  /** Every webhook route, as deployed on the API and served locally. */
  readonly routes: readonly RegisteredRoute[];
  /** The route a path addresses (a trailing slash tolerated), or undefined for an unknown path. */
  match(path: string): RouteMatch | undefined;
  /** The description of the route a path addresses. */
  routeAt(path: string): RegisteredRoute | undefined;
}

/** A path segment naming a generic sender: `{source}` in a route's path. */
const SOURCE_PARAMETER = "{source}";
const SOURCE_NAME = "([A-Za-z0-9_-]{1,64})";
const PROVIDER_NAME = /^[a-z][a-z0-9]{0,31}$/;
const ROUTE_PATH = /^\/webhooks(\/[a-z0-9-]+)+(\/\{source\})?$/;

const escapeRegExp = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");

class InvalidRegistryError extends Error {
  constructor(problem: string) {
    super(`provider registry: ${problem}`);
    this.name = "InvalidRegistryError";
  }
}

function checkProviders(providers: readonly Provider<string>[]): void {
  if (providers.length === 0) throw new InvalidRegistryError("no providers: list at least one");
  const names = new Set<string>();
  const paths = new Set<string>();
  for (const { name, routes } of providers) {
    if (!PROVIDER_NAME.test(name)) {
      throw new InvalidRegistryError(`provider name '${name}' must be lower-case letters and digits`);
    }
    if (names.has(name)) throw new InvalidRegistryError(`two providers are named '${name}'`);
    names.add(name);
    if (routes.length === 0) throw new InvalidRegistryError(`provider '${name}' has no routes`);
    for (const { path } of routes) {
      if (!ROUTE_PATH.test(path)) {
        throw new InvalidRegistryError(
          `route '${path}' of '${name}' must be /webhooks/<lower-case segments>, optionally ending in /{source}`,
        );
      }
      if (paths.has(path)) throw new InvalidRegistryError(`two routes are at '${path}'`);
      paths.add(path);
    }
  }
}

/**
 * A registry of `providers`, checked (unique names and paths, paths under /webhooks). Built from a
 * list, so a test can register one more provider the way a new module is.
 */
export function createRegistry(providers: readonly Provider<string>[]): ProviderRegistry {
  checkProviders(providers);
  const all = providers as readonly Provider[];
  const routes = all.flatMap((p) => p.routes.map((r): RegisteredRoute => ({ ...r, provider: p.name })));
  const exact = new Map(routes.filter((r) => !r.path.includes(SOURCE_PARAMETER)).map((r) => [r.path, r]));
  const withSource = routes
    .filter((r) => r.path.includes(SOURCE_PARAMETER))
    .map((r) => ({
      route: r,
      pattern: new RegExp(`^${escapeRegExp(r.path).replace(escapeRegExp(SOURCE_PARAMETER), SOURCE_NAME)}$`),
    }));
  const byPath = new Map(routes.map((r) => [r.path, r]));
  const match = (path: string): RouteMatch | undefined => {
    const normalised = path.length > 1 ? path.replace(/\/+$/, "") : path;
    const route = exact.get(normalised);
    if (route) return { provider: route.provider, route: route.path };
    for (const { route, pattern } of withSource) {
      const source = pattern.exec(normalised)?.[1];
      if (source) return { provider: route.provider, route: route.path, source };
    }
    return undefined;
  };
  return {
    providers: all,
    names: all.map((p) => p.name) as [ProviderName, ...ProviderName[]],
    byName: Object.fromEntries(all.map((p) => [p.name, p])) as Record<ProviderName, Provider>,
    routes,
    match,
    routeAt: (path) => {
      const matched = match(path);
      return matched && byPath.get(matched.route);
    },
  };
}

export const REGISTRY = createRegistry(Object.values(BUILT_IN_PROVIDERS));

export const PROVIDERS = REGISTRY.byName;
export const WEBHOOK_ROUTES = REGISTRY.routes;
export const matchRoute = (path: string): RouteMatch | undefined => REGISTRY.match(path);
export const routeAt = (path: string): RegisteredRoute | undefined => REGISTRY.routeAt(path);
