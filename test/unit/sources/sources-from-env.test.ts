import { describe, expect, it } from "vitest";
import { SourceConfigError } from "../../../shared/sources/source-config";
import { genericSourcesFromEnv } from "../../../shared/sources/sources-from-env";

describe("genericSourcesFromEnv", () => {
  it("configures no source without GENERIC_WEBHOOK_SOURCES", () => {
    expect(genericSourcesFromEnv({}).size).toBe(0);
  });

  it("parses a value once, and again when it changes", () => {
    const env = { GENERIC_WEBHOOK_SOURCES: '{"a":{"scheme":"bearer"}}' };
    const first = genericSourcesFromEnv(env);
    expect(genericSourcesFromEnv({ ...env })).toBe(first);
    const changed = genericSourcesFromEnv({ GENERIC_WEBHOOK_SOURCES: '{"b":{"scheme":"basic"}}' });
    expect([...changed.keys()]).toEqual(["b"]);
  });

  it("throws the same SourceConfigError on every call with a bad value, and recovers once fixed", () => {
    const bad = { GENERIC_WEBHOOK_SOURCES: '{"a":{"scheme":"query-token"}}' };
    const errorOf = () => {
      try {
        genericSourcesFromEnv(bad);
      } catch (error) {
        return error;
      }
    };
    const first = errorOf();
    expect(first).toBeInstanceOf(SourceConfigError);
    expect(errorOf()).toBe(first);
    expect(genericSourcesFromEnv({ GENERIC_WEBHOOK_SOURCES: "{}" }).size).toBe(0);
  });
});
