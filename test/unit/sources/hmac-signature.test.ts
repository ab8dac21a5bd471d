import { describe, expect, it } from "vitest";
import { MAX_SIGNATURE_HEADER_CHARS, verifyHmacSignature } from "../../../shared/sources/hmac-signature";
import type { SchemeConfig } from "../../../shared/sources/source-config";
import { hmac } from "./requests";

type Hmac = Extract<SchemeConfig, { scheme: "hmac-sha256" }>;
const DEFAULT: Hmac = {
  scheme: "hmac-sha256",
  header: "x-webhook-signature",
  prefix: "sha256=",
  encoding: "hex",
};
const BASE64: Hmac = { scheme: "hmac-sha256", header: "x-grafana-signature", prefix: "", encoding: "base64" };
const body = '{"status":"firing","groupKey":"{}:{alertname=\\"HighLatency\\"}"}';
const raw = Buffer.from(body, "utf8");
const secret = "grafana-hmac-secret";

const verify = (scheme: Hmac, value: string | undefined, secrets = [secret], bytes = raw) =>
  verifyHmacSignature(scheme, value === undefined ? {} : { [scheme.header]: value }, bytes, secrets);

describe("verifyHmacSignature", () => {
  it("accepts the default sha256=<hex> and upper-case hex or prefix", () => {
    expect(verify(DEFAULT, `sha256=${hmac(secret, body)}`)).toEqual({ ok: true });
    expect(verify(DEFAULT, `sha256=${hmac(secret, body).toUpperCase()}`)).toEqual({ ok: true });
    expect(verify(DEFAULT, `SHA256=${hmac(secret, body)}`)).toEqual({ ok: true });
  });

  it("accepts base64 without a prefix, padded or not, under a custom header", () => {
    const signature = hmac(secret, body, "base64");
    expect(signature).toMatch(/=$/);
    expect(verify(BASE64, signature)).toEqual({ ok: true });
    expect(verify(BASE64, signature.replace(/=$/, ""))).toEqual({ ok: true });
  });

  it("refuses a digest in the other encoding than configured", () => {
    expect(verify(BASE64, hmac(secret, body))).toMatchObject({
      ok: false,
      problem: expect.stringMatching(/must look like/),
    });
    expect(verify(DEFAULT, `sha256=${hmac(secret, body, "base64")}`).ok).toBe(false);
  });

  it("requires the configured prefix, and takes none when it is empty", () => {
    expect(verify(DEFAULT, hmac(secret, body))).toEqual({
      ok: false,
      problem: "x-webhook-signature must look like sha256=<hex HMAC-SHA256 of the raw body>",
    });
    expect(verify({ ...DEFAULT, prefix: "v1=" }, `v1=${hmac(secret, body)}`)).toEqual({ ok: true });
    expect(verify({ ...DEFAULT, prefix: "" }, hmac(secret, body))).toEqual({ ok: true });
    expect(verify({ ...DEFAULT, prefix: "" }, `sha256=${hmac(secret, body)}`).ok).toBe(false);
  });

  it("refuses a wrong secret, a tampered body and a truncated digest", () => {
    expect(verify(DEFAULT, `sha256=${hmac("other", body)}`)).toEqual({
      ok: false,
      problem: "x-webhook-signature does not match the body signed with this source's secret",
      mismatch: true,
    });
    expect(verify(DEFAULT, `sha256=${hmac(secret, body)}`, [secret], Buffer.from(`${body} `)).ok).toBe(false);
    expect(verify(DEFAULT, `sha256=${hmac(secret, body).slice(0, 63)}`).ok).toBe(false);
  });

  it("refuses a missing or blank header", () => {
    expect(verify(DEFAULT, undefined)).toEqual({
      ok: false,
      problem: "missing x-webhook-signature header: send sha256=<hex HMAC-SHA256 of the raw body>",
    });
    expect(verify(DEFAULT, "   ").ok).toBe(false);
  });

  it("accepts any active secret during rotation", () => {
    expect(verify(DEFAULT, `sha256=${hmac("new", body)}`, ["old", "new"])).toEqual({ ok: true });
    expect(verify(DEFAULT, `sha256=${hmac("old", body)}`, ["old", "new"])).toEqual({ ok: true });
    expect(verify(DEFAULT, `sha256=${hmac("older", body)}`, ["old", "new"]).ok).toBe(false);
  });

  it("keys the HMAC with a non-ASCII secret's UTF-8 bytes", () => {
    const unicode = "pässwörd-🔑-秘密";
    expect(verify(DEFAULT, `sha256=${hmac(unicode, body)}`, [unicode])).toEqual({ ok: true });
    expect(verify(DEFAULT, `sha256=${hmac("pässwörd", body)}`, ["passwoerd"]).ok).toBe(false);
  });

  it("reads duplicate headers, which API Gateway comma-joins, as several candidates", () => {
    const joined = `sha256=${"0".repeat(64)},sha256=${hmac(secret, body)}`;
    expect(verify(DEFAULT, joined)).toEqual({ ok: true });
    expect(verify(DEFAULT, `sha256=${"0".repeat(64)}, sha256=${"1".repeat(64)}`).ok).toBe(false);
  });

  it("refuses a 100 KB header before decoding it, without echoing it", () => {
    const flood = `sha256=${hmac(secret, body)},${"a".repeat(100 * 1024)}`;
    const result = verify(DEFAULT, flood);
    expect(result).toEqual({
      ok: false,
      problem: `the x-webhook-signature header is ${flood.length} characters long; it must hold sha256=<hex HMAC-SHA256 of the raw body>`,
    });
    expect(flood.length).toBeGreaterThan(MAX_SIGNATURE_HEADER_CHARS);
  });

  it("never repeats the received signature in a problem", () => {
    const sent = `sha256=${hmac("guess", body)}`;
    for (const value of [sent, sent.slice(0, 20), `${sent}junk`]) {
      const result = verify(DEFAULT, value);
      expect(result.ok).toBe(false);
      expect(JSON.stringify(result)).not.toContain(sent.slice(7, 27));
    }
  });
});
