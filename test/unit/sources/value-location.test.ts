import { describe, expect, it } from "vitest";
import { ownValue, readValue, valueText } from "../../../shared/sources/value-location";

describe("valueText", () => {
  it("takes non-blank strings as they are and integers a JSON number holds exactly", () => {
    expect(valueText("alert.fired")).toBe("alert.fired");
    expect(valueText(" padded ")).toBe(" padded ");
    expect(valueText(42)).toBe("42");
    expect(valueText(-7)).toBe("-7");
    expect(valueText(Number.MAX_SAFE_INTEGER)).toBe("9007199254740991");
  });

  it("refuses what cannot name an event", () => {
    for (const value of [
      "",
      "   ",
      1.5,
      2 ** 53,
      JSON.parse("12345678901234567890"),
      Number.NaN,
      true,
      null,
      {},
      ["a"],
      undefined,
    ]) {
      expect(valueText(value)).toBeUndefined();
    }
  });

  it("keeps huge strings whole: trimming them is the record writer's job, not a reason to drop them", () => {
    const huge = "k".repeat(1_000_000);
    expect(valueText(huge)).toBe(huge);
  });
});

describe("ownValue", () => {
  it("reads own members only", () => {
    expect(ownValue({ "x-request-id": "r-1" }, "x-request-id")).toBe("r-1");
    expect(ownValue({}, "constructor")).toBeUndefined();
    expect(ownValue(undefined, "token")).toBeUndefined();
  });
});

describe("readValue", () => {
  const body = { alert: { id: 17, type: "", status: "firing" }, list: [{ k: "first" }] };
  const headers = { "x-request-id": "req-9" };

  it("takes the first place that holds a value", () => {
    expect(readValue([{ path: ["alert", "type"] }, { path: ["alert", "status"] }], body, headers)).toBe(
      "firing",
    );
    expect(readValue([{ header: "x-request-id" }, { path: ["alert", "id"] }], body, headers)).toBe("req-9");
    expect(readValue([{ header: "x-missing" }, { path: ["alert", "id"] }], body, headers)).toBe("17");
    expect(readValue([{ path: ["list", 0, "k"] }], body, headers)).toBe("first");
  });

  it("is undefined when no place holds one", () => {
    expect(
      readValue([{ path: ["alert"] }, { header: "x-missing" }, { header: "constructor" }], body, headers),
    ).toBe(undefined);
    expect(readValue([], body, headers)).toBeUndefined();
  });
});
