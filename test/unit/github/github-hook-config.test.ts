import { describe, expect, it } from "vitest";
import { githubHookConfig } from "../../../cli/github/github-hook-config";
import { UsageError } from "../../../cli/lib/errors";

const APP = { GITHUB_APP_ID: "12345", GITHUB_APP_PRIVATE_KEY: "-----BEGIN RSA PRIVATE KEY-----…" };
const TOKEN = { GITHUB_TOKEN: "ghp_secret" };

const refusal = (options: Parameters<typeof githubHookConfig>[0], env: NodeJS.ProcessEnv) => {
  try {
    githubHookConfig(options, env);
  } catch (error) {
    expect(error).toBeInstanceOf(UsageError);
    return (error as Error).message;
  }
  throw new Error("accepted");
};

describe("githubHookConfig", () => {
  it("an App from GITHUB_APP_ID and GITHUB_APP_PRIVATE_KEY, at api.github.com unless GITHUB_API_URL says otherwise", () => {
    expect(githubHookConfig({}, APP)).toEqual({
      apiUrl: "https://api.github.com",
      app: { appId: "12345", privateKey: APP.GITHUB_APP_PRIVATE_KEY },
    });
    expect(githubHookConfig({}, { ...APP, GITHUB_API_URL: "https://ghe.example.com/api/v3" }).apiUrl).toBe(
      "https://ghe.example.com/api/v3",
    );
    expect(githubHookConfig({}, { ...APP, GITHUB_APP_ID: "Iv23liABC" }).app?.appId).toBe("Iv23liABC");
  });

  it("a repository or organization hook with GITHUB_TOKEN", () => {
    expect(githubHookConfig({ repo: "acme/widgets", hookId: "77" }, TOKEN)).toEqual({
      apiUrl: "https://api.github.com",
      repo: { owner: "acme", name: "widgets", hookId: 77, token: "ghp_secret" },
    });
    expect(githubHookConfig({ org: "acme", hookId: "88" }, { ...TOKEN, ...APP }).org).toEqual({
      org: "acme",
      hookId: 88,
      token: "ghp_secret",
    });
  });

  it("names the missing variables", () => {
    expect(refusal({}, {})).toMatch(/GITHUB_APP_ID and GITHUB_APP_PRIVATE_KEY not set; .*--repo OWNER\/NAME/);
    expect(refusal({}, { GITHUB_APP_ID: "1" })).toMatch(
      /^no GitHub credentials: GITHUB_APP_PRIVATE_KEY not set/,
    );
    expect(refusal({}, { GITHUB_APP_PRIVATE_KEY: "x", GITHUB_APP_ID: "  " })).toMatch(
      /GITHUB_APP_ID not set/,
    );
    expect(refusal({ repo: "acme/widgets", hookId: "1" }, APP)).toMatch(/set GITHUB_TOKEN .*repo scope/);
    expect(refusal({ org: "acme", hookId: "1" }, {})).toMatch(/set GITHUB_TOKEN .*admin:org_hook/);
  });

  it("refuses malformed options and values, quoting them", () => {
    expect(refusal({ repo: "widgets", hookId: "1" }, TOKEN)).toBe('--repo must be OWNER/NAME, got "widgets"');
    expect(refusal({ repo: "a/b/c", hookId: "1" }, TOKEN)).toContain("--repo must be OWNER/NAME");
    expect(refusal({ repo: "a/b" }, TOKEN)).toContain("--repo needs --hook-id N");
    expect(refusal({ org: "acme" }, TOKEN)).toContain("--org needs --hook-id N");
    expect(refusal({ org: "acme/x", hookId: "1" }, TOKEN)).toContain("--org must be an organization's login");
    for (const bad of ["abc", "0", "-3", "1.5", "99999999999999999999"]) {
      expect(refusal({ repo: "a/b", hookId: bad }, TOKEN)).toContain(
        "--hook-id must be a positive whole number",
      );
    }
    expect(refusal({ hookId: "5" }, APP)).toBe("--hook-id goes with --repo OWNER/NAME or --org NAME");
    expect(refusal({}, { ...APP, GITHUB_APP_ID: "my-app" })).toContain(
      "GITHUB_APP_ID must be the App's numeric id",
    );
    expect(refusal({}, { ...APP, GITHUB_API_URL: "api.github.com" })).toContain(
      "GITHUB_API_URL must be a URL",
    );
    expect(refusal({}, { ...APP, GITHUB_API_URL: "ftp://x" })).toContain(
      "GITHUB_API_URL must be an http(s) URL",
    );
  });

  it("never quotes a token or key", () => {
    const message = refusal({ repo: "a/b", hookId: "x" }, { GITHUB_TOKEN: "ghp_secret", ...APP });
    expect(message).not.toContain("ghp_secret");
    expect(message).not.toContain("BEGIN RSA");
  });
});
