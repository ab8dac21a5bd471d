import { afterEach, describe, expect, it, vi } from "vitest";
import {
  type FetchSecret,
  SecretNotConfiguredError,
  SecretReader,
} from "../../../shared/secrets/secret-reader";

describe("SecretReader", () => {
  it("reads a plain environment value", async () => {
    const reader = new SecretReader({ GITHUB_WEBHOOK_SECRET: "plain" }, vi.fn());
    await expect(reader.read("GITHUB_WEBHOOK_SECRET")).resolves.toBe("plain");
  });

  it("returns a JSON array value as is, for the provider to split (rotation)", async () => {
    const reader = new SecretReader({ SLACK_SIGNING_SECRET: '["old","new"]' }, vi.fn());
    await expect(reader.read("SLACK_SIGNING_SECRET")).resolves.toBe('["old","new"]');
  });

  it("prefers the plain value over the ARN and does not call Secrets Manager", async () => {
    const fetch = vi.fn<FetchSecret>();
    const reader = new SecretReader(
      { JIRA_WEBHOOK_SECRET: "plain", JIRA_WEBHOOK_SECRET_ARN: "arn:x" },
      fetch,
    );
    await expect(reader.read("JIRA_WEBHOOK_SECRET")).resolves.toBe("plain");
    expect(fetch).not.toHaveBeenCalled();
  });

  it("fetches NAME_ARN through the injected function with the cache age", async () => {
    const arn = "arn:aws:secretsmanager:us-east-1:123456789012:secret:slack-AbCdEf";
    const fetch = vi.fn<FetchSecret>().mockResolvedValue('["a","b"]');
    const reader = new SecretReader({ SLACK_SIGNING_SECRET_ARN: arn, SECRETS_CACHE_SECONDS: "60" }, fetch);
    await expect(reader.read("SLACK_SIGNING_SECRET")).resolves.toBe('["a","b"]');
    expect(fetch).toHaveBeenCalledWith(arn, 60);
  });

  it("defaults the cache age to 300 s", async () => {
    const fetch = vi.fn<FetchSecret>().mockResolvedValue("v");
    await new SecretReader({ AGENT_SIGNING_SECRET_ARN: "arn:x" }, fetch).read("AGENT_SIGNING_SECRET");
    expect(fetch).toHaveBeenCalledWith("arn:x", 300);
  });

  it("falls back to the ARN when the plain value is empty", async () => {
    const fetch = vi.fn<FetchSecret>().mockResolvedValue("from-sm");
    const reader = new SecretReader({ GITHUB_WEBHOOK_SECRET: "", GITHUB_WEBHOOK_SECRET_ARN: "arn:x" }, fetch);
    await expect(reader.read("GITHUB_WEBHOOK_SECRET")).resolves.toBe("from-sm");
  });

  it("throws SecretNotConfiguredError naming both variables when neither is set", async () => {
    const reader = new SecretReader({}, vi.fn());
    const error = await reader.read("PAGERDUTY_WEBHOOK_SECRET").catch((e: unknown) => e);
    expect(error).toBeInstanceOf(SecretNotConfiguredError);
    expect((error as SecretNotConfiguredError).secretName).toBe("PAGERDUTY_WEBHOOK_SECRET");
    expect((error as Error).message).toMatch(/PAGERDUTY_WEBHOOK_SECRET_ARN/);
  });

  it("throws SecretNotConfiguredError when the secret behind the ARN is empty or missing", async () => {
    for (const value of [undefined, ""]) {
      const reader = new SecretReader(
        { SLACK_BOT_TOKEN_ARN: "arn:x" },
        vi.fn<FetchSecret>().mockResolvedValue(value),
      );
      await expect(reader.read("SLACK_BOT_TOKEN")).rejects.toBeInstanceOf(SecretNotConfiguredError);
    }
  });

  it("passes a Secrets Manager failure on to the caller", async () => {
    const reader = new SecretReader(
      { GITHUB_WEBHOOK_SECRET_ARN: "arn:x" },
      vi.fn<FetchSecret>().mockRejectedValue(new Error("AccessDenied")),
    );
    await expect(reader.read("GITHUB_WEBHOOK_SECRET")).rejects.toThrow("AccessDenied");
  });
});

describe("SecretReader's cache", () => {
  const env = { SLACK_SIGNING_SECRET_ARN: "arn:x", SECRETS_CACHE_SECONDS: "60" };
  afterEach(() => {
    vi.useRealTimers();
  });

  it("keeps a value for the cache age, then reads the rotated one", async () => {
    vi.useFakeTimers({ now: 0 });
    const fetch = vi.fn<FetchSecret>().mockResolvedValueOnce("old").mockResolvedValueOnce("new");
    const reader = new SecretReader(env, fetch);
    await expect(reader.read("SLACK_SIGNING_SECRET")).resolves.toBe("old");
    vi.setSystemTime(59_999);
    await expect(reader.read("SLACK_SIGNING_SECRET")).resolves.toBe("old");
    expect(fetch).toHaveBeenCalledTimes(1);
    vi.setSystemTime(60_000);
    await expect(reader.read("SLACK_SIGNING_SECRET")).resolves.toBe("new");
    expect(fetch).toHaveBeenCalledTimes(2);
  });

  it("keeps nothing that failed or was empty, nor a value once the secret is emptied", async () => {
    vi.useFakeTimers({ now: 0 });
    const fetch = vi
      .fn<FetchSecret>()
      .mockRejectedValueOnce(new Error("Throttling"))
      .mockResolvedValueOnce("v")
      .mockResolvedValueOnce("");
    const reader = new SecretReader(env, fetch);
    await expect(reader.read("SLACK_SIGNING_SECRET")).rejects.toThrow("Throttling");
    await expect(reader.read("SLACK_SIGNING_SECRET")).resolves.toBe("v");
    vi.setSystemTime(60_000);
    await expect(reader.read("SLACK_SIGNING_SECRET")).rejects.toBeInstanceOf(SecretNotConfiguredError);
    await expect(reader.read("SLACK_SIGNING_SECRET")).rejects.toBeInstanceOf(SecretNotConfiguredError);
    expect(fetch).toHaveBeenCalledTimes(4);
  });

  it("keeps nothing with a cache age of 0", async () => {
    const fetch = vi.fn<FetchSecret>().mockResolvedValue("v");
    const reader = new SecretReader({ ...env, SECRETS_CACHE_SECONDS: "0" }, fetch);
    await reader.read("SLACK_SIGNING_SECRET");
    await reader.read("SLACK_SIGNING_SECRET");
    expect(fetch).toHaveBeenCalledTimes(2);
  });
});
