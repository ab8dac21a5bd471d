import { describe, expect, it, vi } from "vitest";
import { genericSourceSecrets, namedSecrets } from "../../../shared/providers/secrets";
import { SecretReader } from "../../../shared/secrets/secret-reader";
import { UnusableSecretError } from "../../../shared/secrets/unusable-secret-error";

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

  it("answers a held value at once, a value still to be read as a promise, and an unusable one as a rejection", async () => {
    const env: NodeJS.ProcessEnv = { SLACK_SIGNING_SECRET: "held", GITHUB_WEBHOOK_SECRET_ARN: "arn:github" };
    const reader = new SecretReader(env, async () => "read");
    expect(namedSecrets(reader, "SLACK_SIGNING_SECRET")).toEqual(["held"]);
    const reading = namedSecrets(reader, "GITHUB_WEBHOOK_SECRET");
    expect(reading).toBeInstanceOf(Promise);
    await expect(reading).resolves.toEqual(["read"]);
    expect(namedSecrets(reader, "GITHUB_WEBHOOK_SECRET")).toEqual(["read"]);
    env.SLACK_SIGNING_SECRET = "[]";
    await expect(namedSecrets(reader, "SLACK_SIGNING_SECRET")).rejects.toBeInstanceOf(UnusableSecretError);
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

  it("checks each secret for its format, naming it", async () => {
    const reader = new SecretReader({ INCIDENTIO_WEBHOOK_SECRET: "whsec_…", SLACK_SIGNING_SECRET: "[]" });
    await expect(namedSecrets(reader, "INCIDENTIO_WEBHOOK_SECRET")).rejects.toThrow(
      /^INCIDENTIO_WEBHOOK_SECRET is not a usable Standard Webhooks secret: after whsec_ it must be base64/,
    );
    await expect(namedSecrets(reader, "SLACK_SIGNING_SECRET")).rejects.toThrow(
      /^SLACK_SIGNING_SECRET is an empty JSON array/,
    );
  });

  it("parses an unusable value once too, and takes its fix at once", async () => {
    const env: NodeJS.ProcessEnv = { PAGERDUTY_WEBHOOK_SECRET: '["pd-old",""]' };
    const reader = new SecretReader(env);
    const parse = vi.spyOn(JSON, "parse");
    const unusable = () =>
      Promise.resolve(namedSecrets(reader, "PAGERDUTY_WEBHOOK_SECRET")).catch((e: unknown) => e);
    const first = await unusable();
    const second = await unusable();
    expect(first).toBeInstanceOf(UnusableSecretError);
    expect(second).toBe(first);
    expect(parse).toHaveBeenCalledTimes(1);
    parse.mockRestore();
    env.PAGERDUTY_WEBHOOK_SECRET = '["pd-old","pd-new"]';
    expect(await namedSecrets(reader, "PAGERDUTY_WEBHOOK_SECRET")).toEqual(["pd-old", "pd-new"]);
  });

  it("fails only the generic source whose entry is unusable", async () => {
    const env: NodeJS.ProcessEnv = { GENERIC_WEBHOOK_SECRETS: '{"datadog":"dd","grafana":"","opsgenie":42}' };
    const reader = new SecretReader(env);
    expect(await genericSourceSecrets(reader, "datadog")).toEqual(["dd"]);
    await expect(genericSourceSecrets(reader, "grafana")).rejects.toThrow(
      /^GENERIC_WEBHOOK_SECRETS\["grafana"\] is empty/,
    );
    await expect(genericSourceSecrets(reader, "opsgenie")).rejects.toThrow(
      /^GENERIC_WEBHOOK_SECRETS\["opsgenie"\] must be a string, not number/,
    );
    expect(await genericSourceSecrets(reader, "unknown")).toBeUndefined();
    env.GENERIC_WEBHOOK_SECRETS = '{"datadog":"dd"';
    await expect(genericSourceSecrets(reader, "datadog")).rejects.toThrow(
      /^GENERIC_WEBHOOK_SECRETS is not valid JSON/,
    );
  });
});
