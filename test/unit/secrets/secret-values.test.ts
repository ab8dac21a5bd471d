import { describe, expect, it } from "vitest";
import { parseSecretList, parseSecretMap } from "../../../shared/secrets/secret-values";

describe("parseSecretList", () => {
  it("takes a plain value as one secret, trimmed", () => {
    expect(parseSecretList("s3cret")).toEqual(["s3cret"]);
    expect(parseSecretList("  s3cret\n")).toEqual(["s3cret"]);
  });

  it("takes a JSON array as several active secrets (rotation)", () => {
    expect(parseSecretList('["old","new"]')).toEqual(["old", "new"]);
    expect(parseSecretList(' [ "old" , "new" ] ')).toEqual(["old", "new"]);
  });

  it("drops empty secrets: an empty secret would sign nothing", () => {
    expect(parseSecretList('["", "new"]')).toEqual(["new"]);
    expect(parseSecretList("")).toEqual([]);
    expect(parseSecretList("   ")).toEqual([]);
    expect(parseSecretList(undefined)).toEqual([]);
  });

  it("refuses arrays of non-strings and broken JSON", () => {
    expect(() => parseSecretList("[1,2]")).toThrow(/JSON array of strings/);
    expect(() => parseSecretList('["a",null]')).toThrow(/JSON array of strings/);
    expect(() => parseSecretList('["a"')).toThrow();
  });
});

describe("parseSecretMap", () => {
  it("maps each source to its secrets, a string or an array", () => {
    const map = parseSecretMap('{"coralogix":"tok","datadog":["old","new"]}');
    expect([...map.entries()]).toEqual([
      ["coralogix", ["tok"]],
      ["datadog", ["old", "new"]],
    ]);
  });

  it("is empty for no value", () => {
    expect(parseSecretMap(undefined).size).toBe(0);
    expect(parseSecretMap(" ").size).toBe(0);
  });

  it("refuses anything but a JSON object", () => {
    expect(() => parseSecretMap('["a"]')).toThrow(/JSON object/);
    expect(() => parseSecretMap("null")).toThrow(/JSON object/);
    expect(() => parseSecretMap('"a"')).toThrow(/JSON object/);
  });

  it("refuses a source whose secret is not a string or array, rather than using its JSON text", () => {
    expect(() => parseSecretMap('{"a":null}')).toThrow(/source 'a'/);
    expect(() => parseSecretMap('{"a":42}')).toThrow(/source 'a'/);
    expect(() => parseSecretMap('{"a":{"k":"v"}}')).toThrow(/source 'a'/);
    expect(() => parseSecretMap('{"a":[1]}')).toThrow(/array of strings/);
  });

  it("keeps source names that collide with Object.prototype members as plain keys", () => {
    const map = parseSecretMap('{"__proto__":"p","constructor":"c"}');
    expect(map.get("__proto__")).toEqual(["p"]);
    expect(map.get("constructor")).toEqual(["c"]);
    expect(map.get("toString")).toBeUndefined();
  });
});
