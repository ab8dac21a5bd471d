import { createHmac } from "node:crypto";
import { describe, expect, it } from "vitest";
import {
  anyDigestMatches,
  anySignatureMatches,
  hmacSha256,
  sha256HexDigest,
} from "../../../shared/crypto/hmac";

describe("hmacSha256", () => {
  it("MACs the concatenation of its parts, like one update over the joined bytes", () => {
    const expected = createHmac("sha256", "key").update("v0:123:body").digest("hex");
    expect(hmacSha256("key", "v0:", Buffer.from("123:"), "body").toString("hex")).toBe(expected);
  });

  it("takes a binary key", () => {
    const key = Buffer.from([0, 255, 1, 254]);
    expect(hmacSha256(key, "x").toString("hex")).toBe(createHmac("sha256", key).update("x").digest("hex"));
  });

  it("keys each MAC with its own text key, its UTF-8 bytes, however many keys come and go", () => {
    // More keys than are kept made once, each asked twice: a key made for another would show.
    const keys = Array.from({ length: 150 }, (_, i) => `secret-${i}-é🔥`);
    for (const key of [...keys, ...keys.reverse()]) {
      const expected = createHmac("sha256", Buffer.from(key, "utf8")).update("body").digest("hex");
      expect(hmacSha256(key, "body").toString("hex")).toBe(expected);
    }
  });

  it("refuses an empty key, whose MACs anyone can compute", () => {
    expect(() => hmacSha256("", "body")).toThrow(/empty HMAC key/);
    expect(() => hmacSha256(Buffer.alloc(0), "body")).toThrow(/empty HMAC key/);
  });
});

describe("anySignatureMatches, one signature against one", () => {
  it("is true only for identical strings", () => {
    expect(anySignatureMatches(["sha256=abc"], ["sha256=abc"])).toBe(true);
    expect(anySignatureMatches(["sha256=abc"], ["sha256=abd"])).toBe(false);
  });

  it("is false (not a throw) when lengths differ", () => {
    expect(anySignatureMatches(["sha256=abc"], ["sha256=ab"])).toBe(false);
    expect(anySignatureMatches(["sha256=abc"], [""])).toBe(false);
  });

  it("matches nothing against an empty expected value: an empty secret admits no empty token", () => {
    expect(anySignatureMatches([""], [""])).toBe(false);
  });

  it("compares bytes, so strings of equal length in UTF-16 but not UTF-8 do not throw", () => {
    expect(anySignatureMatches(["aé"], ["ab"])).toBe(false);
  });
});

describe("anySignatureMatches", () => {
  it("matches when any expected equals any received (rotation on both sides)", () => {
    expect(anySignatureMatches(["old", "new"], ["garbage", "new"])).toBe(true);
    expect(anySignatureMatches(["old"], ["garbage", "old"])).toBe(true);
  });

  it("is false when none match or either list is empty", () => {
    expect(anySignatureMatches(["a", "b"], ["c"])).toBe(false);
    expect(anySignatureMatches([], ["a"])).toBe(false);
    expect(anySignatureMatches(["a"], [])).toBe(false);
  });
});

describe("sha256HexDigest", () => {
  const digest = hmacSha256("key", "body");

  it("reads 64 hex digits, in either case, as the 32 digest bytes", () => {
    expect(sha256HexDigest(digest.toString("hex"))).toEqual(digest);
    expect(sha256HexDigest(digest.toString("hex").toUpperCase())).toEqual(digest);
  });

  it("refuses what is not exactly 64 hex digits, where Buffer.from would stop silently at the first bad one", () => {
    const hex = digest.toString("hex");
    expect(sha256HexDigest(hex.slice(0, 63))).toBeUndefined();
    expect(sha256HexDigest(`${hex}0`)).toBeUndefined();
    expect(sha256HexDigest(`${hex.slice(0, 63)}g`)).toBeUndefined();
    expect(sha256HexDigest(`${hex.slice(0, 62)}zz`)).toBeUndefined();
    expect(sha256HexDigest(` ${hex.slice(1)}`)).toBeUndefined();
    expect(sha256HexDigest("")).toBeUndefined();
  });
});

describe("anyDigestMatches", () => {
  const a = hmacSha256("key", "a");
  const b = hmacSha256("key", "b");

  it("matches when any expected digest equals any received one (rotation on both sides)", () => {
    expect(anyDigestMatches([a, b], [hmacSha256("other", "a"), Buffer.from(b)])).toBe(true);
    expect(anyDigestMatches([a], [a])).toBe(true);
  });

  it("is false (not a throw) for other digests, other lengths and empty lists", () => {
    expect(anyDigestMatches([a], [b])).toBe(false);
    expect(anyDigestMatches([a], [a.subarray(0, 16)])).toBe(false);
    expect(anyDigestMatches([], [a])).toBe(false);
    expect(anyDigestMatches([a], [])).toBe(false);
  });
});
