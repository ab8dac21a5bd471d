import { describe, expect, it } from "vitest";
import { backoffSeconds } from "../../../shared/router/retry-policy";

const policy = { baseDelaySeconds: 2, maxDelaySeconds: 900 };

describe("backoffSeconds (exponential, equal jitter)", () => {
  it("grows the ceiling as base × 2^(attempt−1)", () => {
    const top = () => 0.999999;
    expect([1, 2, 3, 4, 5].map((n) => backoffSeconds(n, policy, top))).toEqual([2, 4, 8, 16, 32]);
  });

  it("spreads delays uniformly from half the ceiling up to it", () => {
    expect(backoffSeconds(4, policy, () => 0)).toBe(8);
    expect(backoffSeconds(4, policy, () => 0.5)).toBe(12);
    const seen = new Set(Array.from({ length: 2000 }, () => backoffSeconds(3, policy)));
    expect(Math.min(...seen)).toBe(4);
    expect(Math.max(...seen)).toBe(8);
  });

  it("gives a message's retries a window no draw can shorten (the default base: 75–150 s over 4)", () => {
    const defaults = { baseDelaySeconds: 10, maxDelaySeconds: 900 };
    const total = (random: () => number) =>
      [1, 2, 3, 4].reduce((sum, attempt) => sum + backoffSeconds(attempt, defaults, random), 0);
    expect(total(() => 0)).toBe(75);
    expect(total(() => 0.999999)).toBe(150);
  });

  it("is capped at the maximum", () => {
    expect(backoffSeconds(20, policy, () => 0.999999)).toBe(900);
    expect(backoffSeconds(1000, policy, () => 0)).toBe(450);
  });

  it("is zero when the base is zero (tests that retry at once)", () => {
    expect(backoffSeconds(3, { baseDelaySeconds: 0, maxDelaySeconds: 900 }, () => 0.7)).toBe(0);
  });

  it("honours the agent's Retry-After, still capped", () => {
    expect(backoffSeconds(1, policy, () => 0, 120)).toBe(120);
    expect(backoffSeconds(1, policy, () => 0, 5000)).toBe(900);
  });
});
