import { describe, expect, it } from "vitest";
import { ingestConfigFromEnv, SQS_MAX_MESSAGE_BYTES } from "../../../shared/config/ingest-config";

describe("ingestConfigFromEnv", () => {
  it("defaults both limits to SQS's 1 MiB and serves every provider", () => {
    expect(SQS_MAX_MESSAGE_BYTES).toBe(1_048_576);
    expect(ingestConfigFromEnv({})).toEqual({ maxBodyBytes: 1_048_576, maxMessageBytes: 1_048_576 });
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
});
