import { generateKeyPairSync } from "node:crypto";
import { describe, expect, it } from "vitest";
import { parseGitHubAppCredentials } from "../../../../functions/github-reconcile/github-app-credentials";
import { UnusableSecretError } from "../../../../shared/secrets/unusable-secret-error";

const rsaPkcs1 = generateKeyPairSync("rsa", {
  modulusLength: 2048,
  privateKeyEncoding: { type: "pkcs1", format: "pem" },
  publicKeyEncoding: { type: "spki", format: "pem" },
}).privateKey;
const ecKey = generateKeyPairSync("ec", {
  namedCurve: "P-256",
  privateKeyEncoding: { type: "pkcs8", format: "pem" },
  publicKeyEncoding: { type: "spki", format: "pem" },
}).privateKey;
/** The body of the key: what must never show in an error. */
const keyBody = rsaPkcs1.split("\n")[1]!;

function refusal(value: string): UnusableSecretError {
  try {
    parseGitHubAppCredentials(value);
  } catch (error) {
    expect(error).toBeInstanceOf(UnusableSecretError);
    expect((error as UnusableSecretError).secretName).toBe("GITHUB_APP_CREDENTIALS");
    return error as UnusableSecretError;
  }
  throw new Error("accepted");
}

describe("parseGitHubAppCredentials", () => {
  it("takes the App's id (number or digits) and its PKCS#1 key as GitHub issues it, as PKCS#8", () => {
    for (const appId of [31337, "31337", " 31337 "]) {
      const credentials = parseGitHubAppCredentials(JSON.stringify({ app_id: appId, private_key: rsaPkcs1 }));
      expect(credentials.appId).toBe("31337");
      expect(credentials.privateKey).toMatch(/^-----BEGIN PRIVATE KEY-----\n/);
    }
  });

  it("takes a key pasted on one line with its newlines written \\n", () => {
    const oneLine = rsaPkcs1.trimEnd().replace(/\n/g, "\\n");
    const credentials = parseGitHubAppCredentials(`{"app_id":1,"private_key":"${oneLine}"}`);
    expect(credentials.privateKey).toContain("-----BEGIN PRIVATE KEY-----");
  });

  it("refuses text that is no JSON, saying what shape it must have", () => {
    const error = refusal(rsaPkcs1);
    expect(error.message).toContain("is not valid JSON");
    expect(error.message).toContain('"app_id"');
    expect(error.message).not.toContain(keyBody);
  });

  it.each([
    [{ private_key: "k" }, "app_id"],
    [{ app_id: "my-app", private_key: "k" }, "app_id"],
    [{ app_id: -4, private_key: "k" }, "app_id"],
    [{ app_id: 1 }, "private_key"],
    [{ app_id: 1, private_key: "   " }, "private_key"],
    [{ app_id: 1, private_key: 42 }, "private_key"],
  ])("refuses %j naming %s", (value, field) => {
    expect(refusal(JSON.stringify(value)).message).toContain(`no usable ${field}`);
  });

  it("refuses JSON that is no object", () => {
    expect(refusal("[1,2]").message).toContain("no usable value");
  });

  it.each([
    ["a truncated PEM", rsaPkcs1.slice(0, 400)],
    ["text that is no PEM", "not a key at all"],
    ["an EC key (GitHub Apps sign RS256)", ecKey],
  ])("refuses %s as the private key, never quoting it", (_, key) => {
    const error = refusal(JSON.stringify({ app_id: 1, private_key: key }));
    expect(error.message).toMatch(/^GITHUB_APP_CREDENTIALS\.private_key is unusable/);
    expect(error.message).toContain(".pem file GitHub generated");
    expect(error.message).not.toContain(keyBody);
    expect(error.message).not.toContain("not a key at all");
  });
});
