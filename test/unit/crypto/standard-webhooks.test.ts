import { createHmac } from "node:crypto";
import { describe, expect, it } from "vitest";
import {
  decodeStandardWebhooksKey,
  signStandardWebhook,
  standardWebhookHeaders,
  standardWebhooksKey,
  verifyStandardWebhook,
} from "../../../shared/crypto/standard-webhooks";

// The example from Svix's / Standard Webhooks' public documentation.
const SVIX = {
  secret: "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw",
  id: "msg_p5jXN8AQM9LWM0D4loKWxJek",
  timestamp: 1614265330,
  body: '{"test": 2432232314}',
  signature: "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=",
};
const svixNow = new Date(SVIX.timestamp * 1000);

/** Independent: base64-decode the key after whsec_, MAC "<id>.<ts>.<body>", base64 digest. */
function expectedSignature(secret: string, id: string, ts: number, body: string | Buffer) {
  const key = Buffer.from(secret.slice("whsec_".length), "base64");
  const mac = createHmac("sha256", key);
  mac.update(`${id}.${ts}.`);
  mac.update(body);
  return `v1,${mac.digest("base64")}`;
}

const headersFor = (signature: string, id = SVIX.id, ts: number | string = SVIX.timestamp) => ({
  "webhook-id": id,
  "webhook-timestamp": String(ts),
  "webhook-signature": signature,
});

describe("Standard Webhooks signing", () => {
  it("reproduces the documented Svix example", () => {
    expect(signStandardWebhook(SVIX.secret, SVIX.id, SVIX.timestamp, SVIX.body)).toBe(SVIX.signature);
    expect(expectedSignature(SVIX.secret, SVIX.id, SVIX.timestamp, SVIX.body)).toBe(SVIX.signature);
  });

  it("uses the base64-decoded bytes after whsec_ as the key, not the text", () => {
    expect(standardWebhooksKey(SVIX.secret)).toEqual(
      Buffer.from("MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw", "base64"),
    );
    const textKeyed = `v1,${createHmac("sha256", SVIX.secret).update(`${SVIX.id}.${SVIX.timestamp}.${SVIX.body}`).digest("base64")}`;
    expect(signStandardWebhook(SVIX.secret, SVIX.id, SVIX.timestamp, SVIX.body)).not.toBe(textKeyed);
  });

  it("decodes only strict base64 of at least one byte: Node's decoder would make an empty key", () => {
    expect(decodeStandardWebhooksKey("whsec_YQ==")).toEqual(Buffer.from("a"));
    expect(decodeStandardWebhooksKey("YWI=")).toEqual(Buffer.from("ab"));
    expect(Buffer.from("…", "base64")).toHaveLength(0);
    for (const secret of ["whsec_…", "whsec_", "", "whsec_YQ", "whsec_YR==", "whsec_Y Q==", "whsec_-_8="]) {
      expect(decodeStandardWebhooksKey(secret), secret).toBeUndefined();
    }
  });

  it("never signs or verifies with an unusable secret, and never quotes it", () => {
    const problem =
      /^not a usable Standard Webhooks secret: after whsec_ it must be base64 of at least 1 byte$/;
    for (const secret of ["whsec_…", "whsec_", "whsec_Zq7xK9pWm2"]) {
      expect(() => standardWebhooksKey(secret)).toThrow(problem);
      expect(() => signStandardWebhook(secret, SVIX.id, SVIX.timestamp, SVIX.body)).toThrow(problem);
      expect(() => standardWebhookHeaders(secret, SVIX.id, SVIX.body)).toThrow(problem);
      // An empty-key signature, as anyone could compute it for the README's placeholder.
      const emptyKeyed = `v1,${createHmac("sha256", Buffer.alloc(0)).update(`${SVIX.id}.${SVIX.timestamp}.${SVIX.body}`).digest("base64")}`;
      expect(() =>
        verifyStandardWebhook(headersFor(emptyKeyed), Buffer.from(SVIX.body), [secret], svixNow),
      ).toThrow(problem);
    }
    expect(() => standardWebhooksKey("whsec_Zq7xK9pWm2")).not.toThrow(/Zq7x/);
  });

  it("builds the three headers a sender sets", () => {
    const headers = standardWebhookHeaders(SVIX.secret, SVIX.id, SVIX.body, svixNow);
    expect(headers).toEqual(headersFor(SVIX.signature));
  });
});

describe("verifyStandardWebhook", () => {
  const body = Buffer.from(SVIX.body);
  const verify = (headers: Record<string, string>, b = body, secrets = [SVIX.secret], now = svixNow) =>
    verifyStandardWebhook(headers, b, secrets, now);

  it("accepts the documented example", () => {
    expect(verify(headersFor(SVIX.signature))).toEqual({ ok: true });
  });

  it("accepts a signature computed independently for a non-ASCII body", () => {
    const secret = `whsec_${Buffer.from("a 24-byte random key....").toString("base64")}`;
    const raw = Buffer.from('{"text":"naïve café 🚒"}', "utf8");
    const ts = 1_700_000_000;
    const sig = expectedSignature(secret, "msg_1", ts, raw);
    expect(verify(headersFor(sig, "msg_1", ts), raw, [secret], new Date(ts * 1000)).ok).toBe(true);
  });

  it("accepts a match anywhere in a space-separated list", () => {
    const other = expectedSignature("whsec_b3RoZXIga2V5", SVIX.id, SVIX.timestamp, SVIX.body);
    expect(verify(headersFor(`${other} ${SVIX.signature}`)).ok).toBe(true);
    expect(verify(headersFor(`${SVIX.signature} ${other}`)).ok).toBe(true);
    expect(verify(headersFor(`v1a,c29tZSBlZDI1NTE5 ${SVIX.signature}`)).ok).toBe(true);
  });

  it("accepts the svix-* header names", () => {
    const headers = {
      "svix-id": SVIX.id,
      "svix-timestamp": String(SVIX.timestamp),
      "svix-signature": SVIX.signature,
    };
    expect(verify(headers)).toEqual({ ok: true });
  });

  it("accepts either of two active secrets (rotation)", () => {
    expect(verify(headersFor(SVIX.signature), body, ["whsec_bmV3IGtleQ==", SVIX.secret]).ok).toBe(true);
  });

  it("refuses a tampered body, id or timestamp", () => {
    expect(verify(headersFor(SVIX.signature), Buffer.from('{"test": 2432232315}')).ok).toBe(false);
    expect(verify(headersFor(SVIX.signature, "msg_other")).ok).toBe(false);
    expect(verify(headersFor(SVIX.signature, SVIX.id, SVIX.timestamp + 1)).ok).toBe(false);
  });

  it("refuses the wrong secret", () => {
    const result = verify(headersFor(SVIX.signature), body, ["whsec_d3Jvbmc="]);
    expect(result).toEqual({ ok: false, problem: expect.stringMatching(/does not match/), mismatch: true });
  });

  it("refuses timestamps outside ±5 minutes and accepts the boundary", () => {
    const at = (offsetSeconds: number) => new Date((SVIX.timestamp + offsetSeconds) * 1000);
    expect(verify(headersFor(SVIX.signature), body, [SVIX.secret], at(300)).ok).toBe(true);
    expect(verify(headersFor(SVIX.signature), body, [SVIX.secret], at(-300)).ok).toBe(true);
    const expired = verify(headersFor(SVIX.signature), body, [SVIX.secret], at(301));
    const future = verify(headersFor(SVIX.signature), body, [SVIX.secret], at(-301));
    expect(expired).toEqual({ ok: false, problem: expect.stringMatching(/webhook-timestamp is 301 s away/) });
    expect(future.ok).toBe(false);
  });

  it("names each missing header", () => {
    const full = headersFor(SVIX.signature);
    for (const name of ["id", "timestamp", "signature"] as const) {
      const headers: Record<string, string> = { ...full };
      delete headers[`webhook-${name}`];
      expect(verify(headers)).toEqual({
        ok: false,
        problem: `missing webhook-${name} (or svix-${name}) header`,
      });
    }
  });

  it("refuses malformed signature lists and timestamps", () => {
    expect(verify(headersFor("g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=")).ok).toBe(false);
    expect(verify(headersFor("v1=g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE="))).toEqual({
      ok: false,
      problem: expect.stringMatching(/space-separated v1,<base64>/),
    });
    expect(verify(headersFor(SVIX.signature, SVIX.id, "2021-02-25T15:02:10Z"))).toEqual({
      ok: false,
      problem: expect.stringMatching(/unix timestamp/),
    });
  });
});
