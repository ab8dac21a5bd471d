import { afterEach, describe, expect, it, vi } from "vitest";
import {
  type FetchSecret,
  SecretNotConfiguredError,
  SecretReader,
} from "../../../shared/secrets/secret-reader";
import { fakeSecretStore, throttled } from "../../support/fake-secret-store";

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

  it("holds, for an answer without a promise, a plain value or a kept one only while it is fresh", async () => {
    vi.useFakeTimers({ now: 0 });
    const fetch = vi
      .fn<FetchSecret>()
      .mockResolvedValueOnce("old")
      .mockRejectedValueOnce(new Error("Throttling"));
    const reader = new SecretReader({ ...env, GITHUB_WEBHOOK_SECRET: "plain" }, fetch);
    expect(reader.held("GITHUB_WEBHOOK_SECRET")).toBe("plain");
    expect(reader.held("SLACK_SIGNING_SECRET")).toBeUndefined();
    await reader.read("SLACK_SIGNING_SECRET");
    vi.setSystemTime(59_999);
    expect(reader.held("SLACK_SIGNING_SECRET")).toBe("old");
    vi.setSystemTime(60_000);
    expect(reader.held("SLACK_SIGNING_SECRET")).toBeUndefined();
    await expect(reader.read("SLACK_SIGNING_SECRET")).rejects.toThrow("Throttling");
    expect(reader.held("SLACK_SIGNING_SECRET")).toBeUndefined();
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

describe("SecretReader.refresh (a credential the kept value did not verify)", () => {
  const env = { SLACK_SIGNING_SECRET_ARN: "arn:x", SECRETS_CACHE_SECONDS: "3600" };
  afterEach(() => {
    vi.useRealTimers();
  });

  const store = (value: string) => fakeSecretStore({ "arn:x": value });

  it("reads a value added since the cache was filled at once, and read() answers it from then on", async () => {
    vi.useFakeTimers({ now: 0 });
    const s = store("old");
    const reader = new SecretReader(env, s.fetch);
    await reader.read("SLACK_SIGNING_SECRET");
    s.set("arn:x", '["old","new"]');
    vi.setSystemTime(1_000);
    await expect(reader.refresh("SLACK_SIGNING_SECRET")).resolves.toBe("newer");
    await expect(reader.read("SLACK_SIGNING_SECRET")).resolves.toBe('["old","new"]');
    expect(s.fetch).toHaveBeenCalledTimes(2);
    // The re-read restarts the cache age.
    vi.setSystemTime(1_000 + 3_599_999);
    await reader.read("SLACK_SIGNING_SECRET");
    expect(s.fetch).toHaveBeenCalledTimes(2);
  });

  it("answers `unchanged` when the store holds the same value: nothing fresher to verify with", async () => {
    const s = store("same");
    const reader = new SecretReader(env, s.fetch);
    await reader.read("SLACK_SIGNING_SECRET");
    await expect(reader.refresh("SLACK_SIGNING_SECRET")).resolves.toBe("unchanged");
    expect(s.fetch).toHaveBeenCalledTimes(2);
  });

  it("re-reads at most once a minute per secret, however many requests fail", async () => {
    vi.useFakeTimers({ now: 0 });
    const s = store("v");
    const reader = new SecretReader(env, s.fetch);
    await reader.read("SLACK_SIGNING_SECRET");
    for (let i = 0; i < 500; i++) await reader.refresh("SLACK_SIGNING_SECRET");
    expect(s.fetch).toHaveBeenCalledTimes(2);
    vi.setSystemTime(59_999);
    s.set("arn:x", "rotated");
    await expect(reader.refresh("SLACK_SIGNING_SECRET")).resolves.toBe("too_soon");
    expect(s.fetch).toHaveBeenCalledTimes(2);
    vi.setSystemTime(60_000);
    await expect(reader.refresh("SLACK_SIGNING_SECRET")).resolves.toBe("newer");
    expect(s.fetch).toHaveBeenCalledTimes(3);
  });

  it("counts each secret's re-reads apart", async () => {
    const fetch = vi.fn<FetchSecret>().mockResolvedValue("v");
    const reader = new SecretReader({ ...env, GITHUB_WEBHOOK_SECRET_ARN: "arn:y" }, fetch);
    await reader.read("SLACK_SIGNING_SECRET");
    await reader.read("GITHUB_WEBHOOK_SECRET");
    await reader.refresh("SLACK_SIGNING_SECRET");
    await reader.refresh("GITHUB_WEBHOOK_SECRET");
    await reader.refresh("SLACK_SIGNING_SECRET");
    expect(fetch.mock.calls.map(([arn]) => arn)).toEqual(["arn:x", "arn:y", "arn:x", "arn:y"]);
  });

  it("shares one read among many concurrent failing requests, and never holds up read()", async () => {
    const s = store("old");
    const reader = new SecretReader(env, s.fetch);
    await reader.read("SLACK_SIGNING_SECRET");
    s.set("arn:x", "new");
    s.hold();
    const refreshes = Array.from({ length: 200 }, () => reader.refresh("SLACK_SIGNING_SECRET"));
    // While the re-read is in flight, a request that verifies gets the kept value without waiting.
    await expect(reader.read("SLACK_SIGNING_SECRET")).resolves.toBe("old");
    s.release();
    expect(await Promise.all(refreshes)).toEqual(Array(200).fill("newer"));
    expect(s.fetch).toHaveBeenCalledTimes(2);
  });

  it("keeps the value it holds when the re-read fails or finds the secret empty, and waits the interval to retry", async () => {
    vi.useFakeTimers({ now: 0 });
    const s = store("v");
    const reader = new SecretReader(env, s.fetch);
    await reader.read("SLACK_SIGNING_SECRET");
    s.set("arn:x", throttled());
    await expect(reader.refresh("SLACK_SIGNING_SECRET")).resolves.toBe("failed");
    await expect(reader.read("SLACK_SIGNING_SECRET")).resolves.toBe("v");
    await expect(reader.refresh("SLACK_SIGNING_SECRET")).resolves.toBe("too_soon");
    expect(s.fetch).toHaveBeenCalledTimes(2);
    vi.setSystemTime(60_000);
    s.set("arn:x", "");
    await expect(reader.refresh("SLACK_SIGNING_SECRET")).resolves.toBe("failed");
    await expect(reader.read("SLACK_SIGNING_SECRET")).resolves.toBe("v");
    expect(s.fetch).toHaveBeenCalledTimes(3);
  });

  it("does nothing for a plain value or a secret not read yet (read() reads that one itself)", async () => {
    const fetch = vi.fn<FetchSecret>().mockResolvedValue("v");
    await expect(
      new SecretReader({ SLACK_SIGNING_SECRET: "plain" }, fetch).refresh("SLACK_SIGNING_SECRET"),
    ).resolves.toBe("not_kept");
    await expect(new SecretReader(env, fetch).refresh("SLACK_SIGNING_SECRET")).resolves.toBe("not_kept");
    expect(fetch).not.toHaveBeenCalled();
  });

  it("shares one read among requests that find the value missing at once", async () => {
    const s = store("v");
    const reader = new SecretReader(env, s.fetch);
    s.hold();
    const reads = Array.from({ length: 50 }, () => reader.read("SLACK_SIGNING_SECRET"));
    s.release();
    expect(await Promise.all(reads)).toEqual(Array(50).fill("v"));
    expect(s.fetch).toHaveBeenCalledTimes(1);
  });
});
