import { describe, expect, it } from "vitest";
import {
  healthConfigFromEnv,
  ingestConfigFromEnv,
  SQS_MAX_MESSAGE_BYTES,
} from "../../../shared/config/ingest-config";

describe("ingestConfigFromEnv", () => {
  it("defaults the body limit to 5 MB and the message limit to SQS's 1 MiB, and serves every provider", () => {
    expect(SQS_MAX_MESSAGE_BYTES).toBe(1_048_576);
    expect(ingestConfigFromEnv({})).toEqual({ maxBodyBytes: 5_000_000, maxMessageBytes: 1_048_576 });
  });

  it("reads MAX_BODY_BYTES, MAX_MESSAGE_BYTES and PROVIDER", () => {
    expect(
      ingestConfigFromEnv({ MAX_BODY_BYTES: "1000", MAX_MESSAGE_BYTES: "262144", PROVIDER: " slack " }),
    ).toEqual({
      maxBodyBytes: 1000,
      maxMessageBytes: 262_144,
      provider: "slack",
    });
  });

  it("refuses nonsense limits and unknown providers", () => {
    expect(() => ingestConfigFromEnv({ MAX_BODY_BYTES: "0" })).toThrow(/MAX_BODY_BYTES/);
    expect(() => ingestConfigFromEnv({ MAX_BODY_BYTES: "1.5" })).toThrow(/MAX_BODY_BYTES/);
    expect(() => ingestConfigFromEnv({ MAX_MESSAGE_BYTES: "lots" })).toThrow(/MAX_MESSAGE_BYTES/);
    expect(() => ingestConfigFromEnv({ PROVIDER: "gitlab" })).toThrow(/PROVIDER must be one of/);
  });

  it("reads EVENT_FILTERS at cold start and fails naming the bad path", () => {
    const rules = { github: [{ event: "issues", action: "labeled", label: "ai:run" }] };
    expect(ingestConfigFromEnv({ EVENT_FILTERS: JSON.stringify(rules) }).eventFilters).toEqual(rules);
    expect(ingestConfigFromEnv({ EVENT_FILTERS: " " })).not.toHaveProperty("eventFilters");
    expect(() =>
      ingestConfigFromEnv({ EVENT_FILTERS: '{"github":[{"event":"issues","labl":"x"}]}' }),
    ).toThrow(/^EVENT_FILTERS.github\[0\]: unknown `labl`/);
  });

  it("reads PAYLOAD_BUCKET", () => {
    expect(ingestConfigFromEnv({ PAYLOAD_BUCKET: " payloads-123 " }).payloadBucket).toBe("payloads-123");
    expect(ingestConfigFromEnv({ PAYLOAD_BUCKET: "" })).not.toHaveProperty("payloadBucket");
  });
});

describe("healthConfigFromEnv", () => {
  it("reports VERSION, else the version npm runs the package as, and caches 30 s by default", () => {
    expect(healthConfigFromEnv({})).toEqual({ version: "unknown", cacheSeconds: 30 });
    expect(healthConfigFromEnv({ npm_package_version: "0.1.0" }).version).toBe("0.1.0");
    expect(healthConfigFromEnv({ VERSION: "2024.06.01-abc", npm_package_version: "0.1.0" }).version).toBe(
      "2024.06.01-abc",
    );
    expect(healthConfigFromEnv({ HEALTH_CACHE_SECONDS: "0" }).cacheSeconds).toBe(0);
    expect(() => healthConfigFromEnv({ HEALTH_CACHE_SECONDS: "-1" })).toThrow(/HEALTH_CACHE_SECONDS/);
  });
});

describe("ingestConfigFromEnv and generic sources", () => {
  it("fails at cold start on a bad GENERIC_WEBHOOK_SOURCES, naming the source and field", () => {
    const bad = JSON.stringify({ datadog: { scheme: "query-token" } });
    expect(() => ingestConfigFromEnv({ PROVIDER: "generic", GENERIC_WEBHOOK_SOURCES: bad })).toThrow(
      /GENERIC_WEBHOOK_SOURCES\.datadog\.allow_ips/,
    );
    // Another provider's function does not read it.
    expect(() => ingestConfigFromEnv({ PROVIDER: "github", GENERIC_WEBHOOK_SOURCES: bad })).not.toThrow();
  });
});
