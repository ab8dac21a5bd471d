import { describe, expect, it } from "vitest";
import { genericSourceSecrets, namedSecrets } from "../../../shared/providers/secrets";
import { SecretReader } from "../../../shared/secrets/secret-reader";

describe("provider secrets", () => {
  it("parses a secret value once while it stays the same, and again when it is rotated", async () => {
    const env: NodeJS.ProcessEnv = { JIRA_WEBHOOK_SECRET: '["old","new"]' };
    const reader = new SecretReader(env);
    const first = await namedSecrets(reader, "JIRA_WEBHOOK_SECRET");
    expect(first).toEqual(["old", "new"]);
    expect(await namedSecrets(reader, "JIRA_WEBHOOK_SECRET")).toBe(first);
    env.JIRA_WEBHOOK_SECRET = "newer";
    expect(await namedSecrets(reader, "JIRA_WEBHOOK_SECRET")).toEqual(["newer"]);
  });

  it("keeps each secret name's value apart", async () => {
    const reader = new SecretReader({ SLACK_SIGNING_SECRET: "slack", GITHUB_WEBHOOK_SECRET: "github" });
    expect(await namedSecrets(reader, "SLACK_SIGNING_SECRET")).toEqual(["slack"]);
    expect(await namedSecrets(reader, "GITHUB_WEBHOOK_SECRET")).toEqual(["github"]);
    expect(await namedSecrets(reader, "SLACK_SIGNING_SECRET")).toEqual(["slack"]);
  });

  it("answers a generic source's secrets, and undefined for a source that is not configured", async () => {
    const env: NodeJS.ProcessEnv = { GENERIC_WEBHOOK_SECRETS: '{"datadog":["a","b"]}' };
    const reader = new SecretReader(env);
    expect(await genericSourceSecrets(reader, "datadog")).toEqual(["a", "b"]);
    expect(await genericSourceSecrets(reader, "coralogix")).toBeUndefined();
    env.GENERIC_WEBHOOK_SECRETS = '{"coralogix":"c"}';
    expect(await genericSourceSecrets(reader, "coralogix")).toEqual(["c"]);
  });
});
