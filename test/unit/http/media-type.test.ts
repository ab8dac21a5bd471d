import { describe, expect, it } from "vitest";
import { isJsonMediaType, mediaTypeOf } from "../../../shared/http/media-type";

describe("mediaTypeOf", () => {
  it.each([
    ["application/json", "application/json"],
    ["application/json; charset=utf-8", "application/json"],
    ["Application/JSON;charset=UTF-8", "application/json"],
    ["  application/x-www-form-urlencoded ; charset=utf-8", "application/x-www-form-urlencoded"],
    ["text/plain", "text/plain"],
    ["application/x-www-form-urlencoded", "application/x-www-form-urlencoded"],
    ["APPLICATION/JSON", "application/json"],
    ["application/json ", "application/json"],
  ])("%j → %j", (header, expected) => {
    expect(mediaTypeOf(header)).toBe(expected);
  });

  it.each([undefined, "", " ", "; charset=utf-8"])("%j has no media type", (header) => {
    expect(mediaTypeOf(header)).toBeUndefined();
  });
});

describe("isJsonMediaType", () => {
  it("accepts application/json and +json types", () => {
    expect(isJsonMediaType("application/json")).toBe(true);
    expect(isJsonMediaType("application/vnd.api+json")).toBe(true);
  });

  it("refuses everything else", () => {
    for (const type of [
      undefined,
      "text/json",
      "application/jsonx",
      "application/x-www-form-urlencoded",
      "text/plain",
    ]) {
      expect(isJsonMediaType(type)).toBe(false);
    }
  });
});
