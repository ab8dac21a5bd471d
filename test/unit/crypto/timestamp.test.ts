import { describe, expect, it } from "vitest";
import { checkSignedTimestamp, SIGNATURE_TOLERANCE_SECONDS } from "../../../shared/crypto/timestamp";

const now = new Date("2024-06-01T12:00:00.000Z");
const nowSeconds = now.getTime() / 1000;
const check = (value: string | number) => checkSignedTimestamp(String(value), "X-Test-Timestamp", now);

describe("checkSignedTimestamp", () => {
  it("allows five minutes either way", () => {
    expect(SIGNATURE_TOLERANCE_SECONDS).toBe(300);
  });

  it("accepts the current time and returns the seconds", () => {
    expect(check(nowSeconds)).toEqual({ ok: true, seconds: nowSeconds });
  });

  it("accepts exactly 5 minutes old and exactly 5 minutes ahead", () => {
    expect(check(nowSeconds - 300).ok).toBe(true);
    expect(check(nowSeconds + 300).ok).toBe(true);
  });

  it("refuses 301 s old (replay) and 301 s ahead (sender clock wrong)", () => {
    const past = check(nowSeconds - 301);
    const future = check(nowSeconds + 301);
    expect(past.ok).toBe(false);
    expect(future.ok).toBe(false);
    if (!past.ok) expect(past.problem).toMatch(/X-Test-Timestamp is 301 s away/);
  });

  it("accepts surrounding whitespace", () => {
    expect(check(` ${nowSeconds} `).ok).toBe(true);
  });

  it.each(["", "abc", "1.5", "-1", "1e9", "0x10", "1234567890123", "١٢٣"])(
    "refuses %j as malformed",
    (value) => {
      const result = check(value);
      expect(result.ok).toBe(false);
      if (!result.ok) expect(result.problem).toMatch(/must be a unix timestamp in seconds/);
    },
  );

  it("refuses milliseconds (a common sender mistake)", () => {
    expect(check(now.getTime()).ok).toBe(false);
  });
});
