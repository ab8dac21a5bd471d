import { describe, expect, it } from "vitest";
import { parseJsonPath, readJsonPath } from "../../../shared/sources/json-path";

describe("parseJsonPath", () => {
  it("reads dotted names and array indices", () => {
    expect(parseJsonPath("id")).toEqual(["id"]);
    expect(parseJsonPath("alert.labels.service")).toEqual(["alert", "labels", "service"]);
    expect(parseJsonPath("incidents[0].id")).toEqual(["incidents", 0, "id"]);
    expect(parseJsonPath("matrix[1][2]")).toEqual(["matrix", 1, 2]);
    expect(parseJsonPath("commonLabels.service")).toEqual(["commonLabels", "service"]);
    expect(parseJsonPath("a-b.c_d.$ID")).toEqual(["a-b", "c_d", "$ID"]);
    expect(parseJsonPath("0.x")).toEqual(["0", "x"]);
  });

  it.each([
    "",
    ".id",
    "id.",
    "a..b",
    "[0]",
    "a[",
    "a[]",
    "a[-1]",
    "a[01]",
    "a[x]",
    "a[0]b",
    "a]",
    "a[1234567890]",
  ])("refuses %j", (text) => {
    expect(parseJsonPath(text)).toBeUndefined();
  });
});

describe("readJsonPath", () => {
  const body = {
    alert: { labels: { service: "checkout" } },
    incidents: [{ id: "I-1" }, { id: "I-2" }],
    count: 0,
    nothing: null,
    "0": "zero",
  };

  it("walks nested objects and arrays", () => {
    expect(readJsonPath(body, ["alert", "labels", "service"])).toBe("checkout");
    expect(readJsonPath(body, ["incidents", 1, "id"])).toBe("I-2");
    expect(readJsonPath(body, ["count"])).toBe(0);
    expect(readJsonPath(body, ["0"])).toBe("zero");
  });

  it("is undefined where the body has nothing", () => {
    expect(readJsonPath(body, ["alert", "missing"])).toBeUndefined();
    expect(readJsonPath(body, ["incidents", 2, "id"])).toBeUndefined();
    expect(readJsonPath(body, ["nothing", "deeper"])).toBeUndefined();
    expect(readJsonPath(body, ["alert", "labels", "service", "length"])).toBeUndefined();
    expect(readJsonPath(body, ["incidents", "0"])).toBeUndefined();
    expect(readJsonPath(body, ["alert", 0])).toBeUndefined();
  });

  it("never reaches Object.prototype or Array.prototype", () => {
    expect(readJsonPath(body, ["constructor"])).toBeUndefined();
    expect(readJsonPath(body, ["__proto__"])).toBeUndefined();
    expect(readJsonPath(body, ["alert", "toString"])).toBeUndefined();
    expect(readJsonPath(body, ["incidents", "length"])).toBeUndefined();
    const own = JSON.parse('{"__proto__": {"id": "own"}}');
    expect(readJsonPath(own, ["__proto__", "id"])).toBe("own");
  });

  it("reads a path into a deeply nested body without walking the rest of it", () => {
    const deep = JSON.parse(`{"a":${'{"a":'.repeat(5_000)}1${"}".repeat(5_000)},"id":"x"}`);
    expect(readJsonPath(deep, ["id"])).toBe("x");
  });
});
