import { isAbsolute } from "node:path";
import { describe, expect, it } from "vitest";
import { DEV_SECRETS } from "../../local/dev-defaults";
import { HANDSHAKE_TOKEN_FILES, handshakeTokenFileEnv } from "../../local/handshake-token-files";
import { buildSampleWebhooks } from "../../local/samples/sample-webhooks";
import { REGISTRY } from "../../shared/providers/registry";

describe("npm run send: the samples", () => {
  it("are one per route of the registry, named by provider (and route, for providers with several)", () => {
    const samples = buildSampleWebhooks(DEV_SECRETS);
    expect(samples.map((s) => s.name)).toEqual([
      "slack-events",
      "slack-interactions",
      "github",
      "pagerduty",
      "incidentio",
      "jira",
      "notion",
      "generic",
    ]);
    expect(samples.map((s) => s.route)).toEqual(REGISTRY.routes.map((r) => r.path));
  });

  it("fill a {source} route with the first source its secret names, or the one asked for", () => {
    const secrets = {
      ...DEV_SECRETS,
      GENERIC_WEBHOOK_SECRETS: JSON.stringify({ datadog: "a", grafana: ["b", "c"] }),
    };
    expect(buildSampleWebhooks(secrets).find((s) => s.provider === "generic")).toMatchObject({
      path: "/webhooks/generic/datadog",
      pathParameters: { source: "datadog" },
    });
    expect(buildSampleWebhooks(secrets, { genericSource: "grafana" }).at(-1)!.path).toBe(
      "/webhooks/generic/grafana",
    );
    expect(() => buildSampleWebhooks(secrets, { genericSource: "nope" })).toThrowError(
      /GENERIC_WEBHOOK_SECRETS has no secret for source 'nope'/,
    );
  });

  it("come from the channel asked for (the soak's unclaimed one)", () => {
    const slack = buildSampleWebhooks(DEV_SECRETS, { slackChannel: "C0NOBODY" }).filter(
      (s) => s.provider === "slack",
    );
    for (const sample of slack) expect(decodeURIComponent(sample.body)).toContain('"C0NOBODY"');
  });
});

describe("the local pipeline's handshake token files", () => {
  it("are .local/<store> for each unsigned handshake, given to the handler as <store>_FILE", () => {
    expect(HANDSHAKE_TOKEN_FILES).toEqual([
      { provider: "notion", store: "NOTION_VERIFICATION_TOKEN", file: ".local/notion-verification-token" },
    ]);
    const env = handshakeTokenFileEnv();
    expect(Object.keys(env)).toEqual(["NOTION_VERIFICATION_TOKEN_FILE"]);
    expect(isAbsolute(env.NOTION_VERIFICATION_TOKEN_FILE!)).toBe(true);
    expect(env.NOTION_VERIFICATION_TOKEN_FILE).toMatch(/\.local\/notion-verification-token$/);
  });
});
