import { describe, expect, it } from "vitest";
import { parsePayloadPath, valueAtPath } from "../../../shared/filters/payload-path";

describe("parsePayloadPath", () => {
  it("splits names at dots and reads array indices", () => {
    expect(parsePayloadPath("pull_request.merged")).toEqual([{ key: "pull_request" }, { key: "merged" }]);
    expect(parsePayloadPath("labels[0].name")).toEqual([{ key: "labels" }, { index: 0 }, { key: "name" }]);
    expect(parsePayloadPath("m[1][20]")).toEqual([{ key: "m" }, { index: 1 }, { index: 20 }]);
    expect(parsePayloadPath("private_incident.incident_created_v2")).toHaveLength(2);
    expect(parsePayloadPath("a name:with-odd chars")).toEqual([{ key: "a name:with-odd chars" }]);
  });

  it("says what is not a path", () => {
    for (const path of [
      "",
      ".",
      "a.",
      ".a",
      "a..b",
      "[0]",
      "a[]",
      "a[-1]",
      "a[01]",
      "a[0]b",
      "a]",
      "a[1234567]",
    ]) {
      expect(parsePayloadPath(path), path).toEqual({
        problem: expect.stringMatching(/^is not a payload path/),
      });
    }
  });
});

describe("valueAtPath", () => {
  const payload = { a: { b: [{ c: null }, 2] }, n: 0 };
  const at = (path: string) => valueAtPath(payload, parsePayloadPath(path) as never);

  it("finds the payload's own values, null and falsy ones included", () => {
    expect(at("a.b[0].c")).toEqual({ found: true, value: null });
    expect(at("a.b[1]")).toEqual({ found: true, value: 2 });
    expect(at("n")).toEqual({ found: true, value: 0 });
  });

  it("finds nothing past the end, through a scalar, by name in an array or among inherited members", () => {
    for (const path of [
      "a.b[2]",
      "n.x",
      "a.b.length",
      "a.b[0].c.d",
      "toString",
      "a.constructor",
      "a.b[0].__proto__",
    ]) {
      expect(at(path), path).toEqual({ found: false });
    }
  });
});
