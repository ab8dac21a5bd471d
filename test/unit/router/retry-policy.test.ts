import { describe, expect, it } from "vitest";
import { backoffSeconds } from "../../../shared/router/retry-policy";

const policy = { baseDelaySeconds: 2, maxDelaySeconds: 900 };

describe("backoffSeconds (exponential, full jitter)", () => {
  it("grows the ceiling as base × 2^(attempt−1)", () => {
    const top = () => 0.999999;
    expect([1, 2, 3, 4, 5].map((n) => backoffSeconds(n, policy, top))).toEqual([2, 4, 8, 16, 32]);
  });

  it("spreads delays uniformly from zero up to the ceiling", () => {
    expect(backoffSeconds(4, policy, () => 0)).toBe(0);
    expect(backoffSeconds(4, policy, () => 0.5)).toBe(8);
    const seen = new Set(Array.from({ length: 2000 }, () => backoffSeconds(3, policy)));
    expect(Math.min(...seen)).toBe(0);
    expect(Math.max(...seen)).toBe(8);
  });

  it("is capped at the maximum", () => {
    expect(backoffSeconds(20, policy, () => 0.999999)).toBe(900);
    expect(backoffSeconds(1000, policy, () => 0.999999)).toBe(900);
  });

  it("honours the agent's Retry-After, still capped", () => {
    expect(backoffSeconds(1, policy, () => 0, 120)).toBe(120);
    expect(backoffSeconds(1, policy, () => 0, 5000)).toBe(900);
  });
});
