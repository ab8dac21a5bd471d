import { describe, expect, it } from "vitest";
import { PROVIDER_NAMES, type Provider } from "../../../shared/providers/provider";
import {
  createRegistry,
  matchRoute,
  PROVIDERS,
  REGISTRY,
  routeAt,
  WEBHOOK_ROUTES,
} from "../../../shared/providers/registry";

describe("matchRoute", () => {
  it.each(WEBHOOK_ROUTES.filter((r) => !r.path.includes("{")))("matches $path", ({ path, provider }) => {
    expect(matchRoute(path)).toEqual({ provider, route: path });
    expect(matchRoute(`${path}/`)).toEqual({ provider, route: path });
  });

  it("matches a generic source and captures its name", () => {
    expect(matchRoute("/webhooks/generic/coralogix")).toEqual({
      provider: "generic",
      route: "/webhooks/generic/{source}",
      source: "coralogix",
    });
  });

  it.each([
    "/",
    "",
    "/webhooks",
    "/webhooks/slack",
    "/webhooks/gitlab",
    "/webhooks/generic/",
    "/webhooks/generic/a/b",
    "/webhooks/generic/bad.name",
    `/webhooks/generic/${"a".repeat(65)}`,
    "/WEBHOOKS/GITHUB",
    "/prod/webhooks/github",
  ])("does not match %j", (path) => {
    expect(matchRoute(path)).toBeUndefined();
  });
});

describe("PROVIDERS", () => {
  it("holds one provider object per name, named after its key", () => {
    for (const name of PROVIDER_NAMES) expect(PROVIDERS[name].name).toBe(name);
    expect(new Set(WEBHOOK_ROUTES.map((r) => r.provider))).toEqual(new Set(PROVIDER_NAMES));
  });
});

describe("the registry", () => {
  it("serves exactly PROVIDER_NAMES, in their order", () => {
    expect(REGISTRY.names).toEqual(PROVIDER_NAMES);
    expect(REGISTRY.providers.map((p) => p.name)).toEqual(PROVIDER_NAMES);
  });

  it("derives the routes from the providers' own descriptions", () => {
    expect(WEBHOOK_ROUTES.map((r) => `${r.provider} ${r.path}`)).toEqual(
      REGISTRY.providers.flatMap((p) => p.routes.map((r) => `${p.name} ${r.path}`)),
    );
    expect(matchRoute("/webhooks/notion")).toEqual({ provider: "notion", route: "/webhooks/notion" });
  });

  it("describes Slack interactivity as acknowledged with an empty body, and the Events API with JSON", () => {
    expect(routeAt("/webhooks/slack/interactions")?.acknowledgement).toBe("empty");
    expect(routeAt("/webhooks/slack/interactions/")?.acknowledgement).toBe("empty");
    expect(routeAt("/webhooks/slack/events")?.acknowledgement ?? "json").toBe("json");
    const empty = WEBHOOK_ROUTES.filter((r) => r.acknowledgement === "empty").map((r) => r.path);
    expect(empty).toEqual(["/webhooks/slack/interactions"]);
    expect(routeAt("/webhooks/nowhere")).toBeUndefined();
  });

  it("gives each provider a secret of its own", () => {
    const names = REGISTRY.providers.map((p) => p.secret.name);
    expect(new Set(names).size).toBe(names.length);
  });

  const provider = (name: string, paths: string[]): Provider<string> => ({
    ...PROVIDERS.github,
    name,
    routes: paths.map((path) => ({ ...PROVIDERS.github.routes[0]!, path })),
  });

  it("serves a provider added to its list, a {source} route included", () => {
    const registry = createRegistry([provider("acme", ["/webhooks/acme/{source}"]), PROVIDERS.github]);
    expect(registry.match("/webhooks/acme/eu-1")).toEqual({
      provider: "acme",
      route: "/webhooks/acme/{source}",
      source: "eu-1",
    });
    expect(registry.match("/webhooks/acme")).toBeUndefined();
    expect(registry.match("/webhooks/github")).toEqual({ provider: "github", route: "/webhooks/github" });
  });

  it.each([
    [[], /no providers/],
    [
      [provider("github", ["/webhooks/a"]), provider("github", ["/webhooks/b"])],
      /two providers are named 'github'/,
    ],
    [[provider("a", ["/webhooks/x"]), provider("b", ["/webhooks/x"])], /two routes are at '\/webhooks\/x'/],
    [[provider("Acme", ["/webhooks/acme"])], /provider name 'Acme' must be lower-case letters and digits/],
    [[provider("acme", [])], /provider 'acme' has no routes/],
    [[provider("acme", ["/hooks/acme"])], /route '\/hooks\/acme' of 'acme' must be \/webhooks\//],
    [[provider("acme", ["/webhooks/{source}/acme"])], /must be \/webhooks\/<lower-case segments>/],
  ])("refuses a list that cannot be served: %#", (providers, problem) => {
    expect(() => createRegistry(providers)).toThrowError(problem);
  });
});
