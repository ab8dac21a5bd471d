import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { receivedAtText } from "../../../shared/envelope/received-at-text";

describe("receivedAtText", () => {
  it("is toISOString, for times within one second and across seconds, before 1970 and after 9999", () => {
    const times = fc.oneof(
      fc.integer({ min: -8.64e15, max: 8.64e15 }),
      fc.integer({ min: 1_717_243_200_000, max: 1_717_243_203_000 }),
    );
    fc.assert(
      fc.property(fc.array(times, { minLength: 1, maxLength: 20 }), (list) => {
        for (const ms of list) expect(receivedAtText(new Date(ms))).toBe(new Date(ms).toISOString());
      }),
    );
  });

  it("keeps the milliseconds' leading zeros", () => {
    for (const ms of [1_717_243_200_000, 1_717_243_200_007, 1_717_243_200_042, 1_717_243_200_999]) {
      expect(receivedAtText(new Date(ms))).toBe(new Date(ms).toISOString());
    }
  });

  it("refuses an invalid date as toISOString does", () => {
    expect(() => receivedAtText(new Date(Number.NaN))).toThrow(RangeError);
  });
});
