import { describe, expect, it } from "vitest";
import { PROVIDER_NAMES } from "../../../shared/providers/provider";
import { matchRoute, PROVIDERS, WEBHOOK_ROUTES } from "../../../shared/providers/registry";

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
