import { describe, expect, it } from "vitest";
import { ForbiddenIpError } from "../../../shared/sources/ip-allowlist";
import { parseGenericSources } from "../../../shared/sources/source-config";
import { verifyUnlistedSource } from "../../../shared/sources/unlisted-source";
import { verifySource } from "../../../shared/sources/verify-source";
import { basic, hmac, sourceRequest } from "./requests";

const config = (source: unknown) => parseGenericSources(JSON.stringify({ src: source })).get("src")!;
const body = '{"id":"x"}';
const secret = "per-source-secret";

describe("verifySource", () => {
  it("dispatches to each configured scheme", () => {
    const cases: Array<[unknown, Parameters<typeof sourceRequest>[0]]> = [
      [{ scheme: "hmac-sha256" }, { headers: { "x-webhook-signature": `sha256=${hmac(secret, body)}` } }],
      [
        { scheme: "hmac-sha256", header: "X-Sig", prefix: "", encoding: "base64" },
        { headers: { "x-sig": hmac(secret, body, "base64") } },
      ],
      [{ scheme: "bearer" }, { headers: { authorization: `Bearer ${secret}` } }],
      [{ scheme: "shared-secret" }, { headers: { "x-webhook-secret": secret } }],
      [{ scheme: "basic" }, { headers: { authorization: basic(`user:${secret}`) } }],
      [{ scheme: "query-token", allow_ips: ["203.0.113.0/24"] }, { query: { token: secret } }],
    ];
    for (const [source, init] of cases) {
      const secrets = (source as { scheme: string }).scheme === "basic" ? [`user:${secret}`] : [secret];
      expect(verifySource("src", config(source), sourceRequest({ ...init, body }), secrets)).toEqual({
        ok: true,
      });
    }
  });

  it("does not accept another scheme's credentials: a configured source takes only its own", () => {
    const bearerOnly = config({ scheme: "bearer" });
    const signed = sourceRequest({
      body,
      headers: { "x-webhook-signature": `sha256=${hmac(secret, body)}` },
    });
    expect(verifySource("src", bearerOnly, signed, [secret]).ok).toBe(false);
    const sharedSecret = config({ scheme: "shared-secret" });
    const bearer = sourceRequest({ body, headers: { authorization: `Bearer ${secret}` } });
    expect(verifySource("src", sharedSecret, bearer, [secret]).ok).toBe(false);
  });

  it("checks the allowlist first: a refused address is a ForbiddenIpError, even with a good credential", () => {
    const source = config({ scheme: "shared-secret", allow_ips: ["10.0.0.0/8", "2001:db8::/32"] });
    const good = { headers: { "x-webhook-secret": secret } };
    expect(verifySource("src", source, sourceRequest({ ...good, sourceIp: "10.2.3.4" }), [secret])).toEqual({
      ok: true,
    });
    expect(
      verifySource("src", source, sourceRequest({ ...good, sourceIp: "2001:db8::9" }), [secret]).ok,
    ).toBe(true);
    expect(() =>
      verifySource("src", source, sourceRequest({ ...good, sourceIp: "198.51.100.1" }), [secret]),
    ).toThrow(new ForbiddenIpError("src", "198.51.100.1"));
    const unknown = { ...sourceRequest(good), sourceIp: undefined };
    expect(() => verifySource("src", source, unknown, [secret])).toThrow(
      "source 'src' accepts requests only from the addresses in its allow_ips; this request's address is unknown",
    );
  });

  it("names the refused address, but never text that is not one", () => {
    expect(new ForbiddenIpError("jira", "198.51.100.1").message).toBe(
      "source 'jira' accepts requests only from the addresses in its allow_ips; 198.51.100.1 is not one of them",
    );
    expect(new ForbiddenIpError("jira", "<script>").message).not.toContain("<script>");
  });

  it("verifies the credential of an allowed address as usual", () => {
    const source = config({ scheme: "query-token", allow_ips: ["203.0.113.7"] });
    expect(verifySource("src", source, sourceRequest({ query: { token: "nope" } }), [secret]).ok).toBe(false);
  });
});

describe("verifyUnlistedSource: today's signature or bearer", () => {
  const signed = (signature: string, extra: Record<string, string> = {}) =>
    sourceRequest({ body, headers: { "x-webhook-signature": signature, ...extra } });

  it("accepts X-Webhook-Signature: sha256=<hex> and Authorization: Bearer", () => {
    expect(verifyUnlistedSource(signed(`sha256=${hmac(secret, body)}`), [secret])).toEqual({ ok: true });
    const bearer = sourceRequest({ body, headers: { authorization: `Bearer ${secret}` } });
    expect(verifyUnlistedSource(bearer, [secret])).toEqual({ ok: true });
  });

  it("lets a bad signature lose even when a good bearer token is also sent", () => {
    expect(
      verifyUnlistedSource(signed("sha256=00", { authorization: `Bearer ${secret}` }), [secret]).ok,
    ).toBe(false);
  });

  it("names what to send when neither is there, and ignores the configured-only schemes", () => {
    expect(
      verifyUnlistedSource(sourceRequest({ body, headers: { "x-webhook-secret": secret } }), [secret]),
    ).toEqual({
      ok: false,
      problem: "missing X-Webhook-Signature header (or Authorization: Bearer <token>)",
    });
    expect(verifyUnlistedSource(sourceRequest({ body, query: { token: secret } }), [secret]).ok).toBe(false);
  });
});
