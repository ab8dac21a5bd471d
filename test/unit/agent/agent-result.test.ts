import { describe, expect, it } from "vitest";
import { classifyStatus, parseRetryAfter } from "../../../shared/agent/agent-result";

describe("classifyStatus", () => {
  it.each([
    [200, "delivered"],
    [202, "delivered"],
    [204, "delivered"],
    [408, "retryable"],
    [429, "retryable"],
    [500, "retryable"],
    [503, "retryable"],
    [599, "retryable"],
    [400, "permanent"],
    [401, "permanent"],
    [404, "permanent"],
    [409, "permanent"],
    [301, "permanent"],
  ] as const)("%i → %s", (status, expected) => {
    expect(classifyStatus(status)).toBe(expected);
  });
});

describe("parseRetryAfter", () => {
  const now = new Date("2025-01-01T00:00:00Z");
  it("reads delta-seconds and HTTP dates", () => {
    expect(parseRetryAfter("30", now)).toBe(30);
    expect(parseRetryAfter("Wed, 01 Jan 2025 00:01:00 GMT", now)).toBe(60);
    expect(parseRetryAfter("Tue, 31 Dec 2024 00:00:00 GMT", now)).toBe(0);
  });
  it("ignores what it cannot read", () => {
    expect(parseRetryAfter(undefined, now)).toBeUndefined();
    expect(parseRetryAfter("soon", now)).toBeUndefined();
  });
});
