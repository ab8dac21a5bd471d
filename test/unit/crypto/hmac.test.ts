import { createHmac } from "node:crypto";
import { describe, expect, it } from "vitest";
import { anySignatureMatches, hmacSha256, signaturesMatch } from "../../../shared/crypto/hmac";

describe("hmacSha256", () => {
  it("MACs the concatenation of its parts, like one update over the joined bytes", () => {
    const expected = createHmac("sha256", "key").update("v0:123:body").digest("hex");
    expect(hmacSha256("key", "v0:", Buffer.from("123:"), "body").toString("hex")).toBe(expected);
  });

  it("takes a binary key", () => {
    const key = Buffer.from([0, 255, 1, 254]);
    expect(hmacSha256(key, "x").toString("hex")).toBe(createHmac("sha256", key).update("x").digest("hex"));
  });

  it("refuses an empty key, whose MACs anyone can compute", () => {
    expect(() => hmacSha256("", "body")).toThrow(/empty HMAC key/);
    expect(() => hmacSha256(Buffer.alloc(0), "body")).toThrow(/empty HMAC key/);
  });
});

describe("signaturesMatch", () => {
  it("is true only for identical strings", () => {
    expect(signaturesMatch("sha256=abc", "sha256=abc")).toBe(true);
    expect(signaturesMatch("sha256=abc", "sha256=abd")).toBe(false);
  });

  it("is false (not a throw) when lengths differ", () => {
    expect(signaturesMatch("sha256=abc", "sha256=ab")).toBe(false);
    expect(signaturesMatch("sha256=abc", "")).toBe(false);
  });

  it("matches nothing against an empty expected value: an empty secret admits no empty token", () => {
    expect(signaturesMatch("", "")).toBe(false);
    expect(anySignatureMatches([""], [""])).toBe(false);
  });

  it("compares bytes, so strings of equal length in UTF-16 but not UTF-8 do not throw", () => {
    expect(signaturesMatch("aé", "ab")).toBe(false);
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
