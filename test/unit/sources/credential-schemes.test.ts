import { describe, expect, it } from "vitest";
import {
  verifyBasic,
  verifyBearer,
  verifyQueryToken,
  verifySharedSecret,
} from "../../../shared/sources/credential-schemes";
import { basic, sourceRequest } from "./requests";

const headers = (h: Record<string, string>) => sourceRequest({ headers: h });
const secret = "s3cr3t-token";

/** No problem ever holds the credential, a guess at it, or a piece of either. */
const expectRefusedWithoutEcho = (result: ReturnType<typeof verifyBearer>, ...values: string[]) => {
  expect(result.ok).toBe(false);
  for (const value of values) expect(JSON.stringify(result)).not.toContain(value);
};

describe("verifyBearer", () => {
  it("accepts Authorization: Bearer <secret>, in any case and spacing", () => {
    expect(verifyBearer(headers({ authorization: `Bearer ${secret}` }), [secret])).toEqual({ ok: true });
    expect(verifyBearer(headers({ authorization: `bearer    ${secret}  ` }), [secret])).toEqual({ ok: true });
  });

  it("refuses a wrong, missing, empty or non-Bearer credential", () => {
    expectRefusedWithoutEcho(
      verifyBearer(headers({ authorization: "Bearer guess-token" }), [secret]),
      "guess",
      secret,
    );
    expect(verifyBearer(headers({}), [secret])).toEqual({
      ok: false,
      problem: "missing Authorization header: send Bearer <token>",
    });
    expect(verifyBearer(headers({ authorization: "Bearer " }), [secret]).ok).toBe(false);
    expect(verifyBearer(headers({ authorization: basic(`u:${secret}`) }), [secret])).toEqual({
      ok: false,
      problem: "Authorization must be Bearer <token>",
    });
  });

  it("refuses a prefix or an extension of the secret", () => {
    expect(verifyBearer(headers({ authorization: `Bearer ${secret.slice(0, -1)}` }), [secret]).ok).toBe(
      false,
    );
    expect(verifyBearer(headers({ authorization: `Bearer ${secret}x` }), [secret]).ok).toBe(false);
  });

  it("accepts any active secret during rotation", () => {
    expect(verifyBearer(headers({ authorization: "Bearer new" }), ["old", "new"])).toEqual({ ok: true });
  });

  it("refuses a duplicated Authorization header (API Gateway joins the two with a comma)", () => {
    expect(verifyBearer(headers({ authorization: `Bearer ${secret},Bearer ${secret}` }), [secret]).ok).toBe(
      false,
    );
  });
});

describe("verifySharedSecret", () => {
  it("accepts the secret itself in the configured header", () => {
    expect(verifySharedSecret("x-webhook-secret", headers({ "x-webhook-secret": secret }), [secret])).toEqual(
      {
        ok: true,
      },
    );
    expect(verifySharedSecret("x-api-key", headers({ "x-api-key": ` ${secret} ` }), [secret])).toEqual({
      ok: true,
    });
  });

  it("refuses the secret in another header, a wrong one, and none", () => {
    expect(verifySharedSecret("x-api-key", headers({ "x-webhook-secret": secret }), [secret])).toEqual({
      ok: false,
      problem: "missing x-api-key header: send this source's secret in it",
    });
    expectRefusedWithoutEcho(
      verifySharedSecret("x-webhook-secret", headers({ "x-webhook-secret": "wrong-guess" }), [secret]),
      "wrong-guess",
      secret,
    );
  });

  it("matches a non-ASCII secret sent as UTF-8 text or read as latin1 bytes by Node's parser", () => {
    const unicode = "clé-secrète-🔑";
    const asLatin1 = Buffer.from(unicode, "utf8").toString("latin1");
    expect(
      verifySharedSecret("x-webhook-secret", headers({ "x-webhook-secret": unicode }), [unicode]).ok,
    ).toBe(true);
    expect(
      verifySharedSecret("x-webhook-secret", headers({ "x-webhook-secret": asLatin1 }), [unicode]).ok,
    ).toBe(true);
    expect(
      verifySharedSecret("x-webhook-secret", headers({ "x-webhook-secret": "cle-secrete" }), [unicode]).ok,
    ).toBe(false);
  });

  it("takes a 100 KB header as just a wrong secret", () => {
    const flood = "a".repeat(100 * 1024);
    expect(verifySharedSecret("x-webhook-secret", headers({ "x-webhook-secret": flood }), [secret])).toEqual({
      ok: false,
      problem: "x-webhook-secret does not hold this source's secret",
      mismatch: true,
    });
  });
});

describe("verifyBasic", () => {
  const credentials = "opsgenie:pa:ss-wörd";

  it("accepts user:password as configured, the password holding colons and non-ASCII", () => {
    expect(verifyBasic(headers({ authorization: basic(credentials) }), [credentials])).toEqual({ ok: true });
    expect(
      verifyBasic(headers({ authorization: basic(credentials).replace("Basic", "basic") }), [credentials]).ok,
    ).toBe(true);
  });

  it("refuses the wrong user, the wrong password, and a Bearer token", () => {
    expect(verifyBasic(headers({ authorization: basic("other:pa:ss-wörd") }), [credentials])).toEqual({
      ok: false,
      problem: "the Basic credentials are not this source's user and password",
      mismatch: true,
    });
    expect(verifyBasic(headers({ authorization: basic("opsgenie:guess") }), [credentials]).ok).toBe(false);
    expect(verifyBasic(headers({ authorization: `Bearer ${credentials}` }), [credentials])).toEqual({
      ok: false,
      problem: "Authorization must be Basic <base64 of user:password>",
    });
  });

  it("refuses credentials that are not base64", () => {
    for (const value of ["Basic not base64!", "Basic abc", "Basic ", "Basic YWJj,Basic YWJj"]) {
      expect(verifyBasic(headers({ authorization: value }), [credentials]).ok).toBe(false);
    }
    expect(verifyBasic(headers({}), [credentials])).toEqual({
      ok: false,
      problem: "missing Authorization header: send Basic <credentials>",
    });
  });

  it("accepts any active secret during rotation", () => {
    expect(verifyBasic(headers({ authorization: basic("u:new") }), ["u:old", "u:new"])).toEqual({ ok: true });
  });
});

describe("verifyQueryToken", () => {
  const query = (q: Record<string, string>) => sourceRequest({ query: q });

  it("accepts the token in the configured parameter", () => {
    expect(verifyQueryToken("token", query({ token: secret }), [secret])).toEqual({ ok: true });
    expect(verifyQueryToken("key", query({ key: secret, other: "x" }), [secret])).toEqual({ ok: true });
  });

  it("refuses a wrong or missing token without naming it", () => {
    const wrong = verifyQueryToken("token", query({ token: "guessed-token" }), [secret]);
    expect(wrong).toEqual({
      ok: false,
      problem: "the token query parameter does not hold this source's token",
      mismatch: true,
    });
    expectRefusedWithoutEcho(wrong, "guessed-token", secret);
    expect(verifyQueryToken("token", query({ key: secret }), [secret])).toEqual({
      ok: false,
      problem: "missing the token query parameter: add token=<token> to the URL",
    });
    expect(verifyQueryToken("token", sourceRequest({ query: {} }), [secret]).ok).toBe(false);
    expect(verifyQueryToken("constructor", query({}), [secret]).ok).toBe(false);
  });

  it("never reads the token from a header", () => {
    expect(verifyQueryToken("token", sourceRequest({ headers: { token: secret } }), [secret]).ok).toBe(false);
  });

  it("refuses a repeated parameter (API Gateway joins the values with a comma)", () => {
    expect(verifyQueryToken("token", query({ token: `${secret},${secret}` }), [secret]).ok).toBe(false);
  });

  it("matches non-ASCII tokens and any active one", () => {
    expect(verifyQueryToken("token", query({ token: "jeton-é" }), ["jeton-é"]).ok).toBe(true);
    expect(verifyQueryToken("token", query({ token: "new" }), ["old", "new"]).ok).toBe(true);
  });
});
