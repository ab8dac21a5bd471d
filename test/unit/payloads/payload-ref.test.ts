import { createHash } from "node:crypto";
import { describe, expect, it } from "vitest";
import { payloadKey, payloadMismatch, payloadRef } from "../../../shared/payloads/payload-ref";

describe("payload references", () => {
  it("key payloads by UTC day and envelope id under payloads/", () => {
    expect(
      payloadKey("6f1c0f39-0a8e-4c53-9d0c-6a4b1f5b8f0e", new Date("2024-02-29T23:59:59.999-05:00")),
    ).toBe("payloads/2024/03/01/6f1c0f39-0a8e-4c53-9d0c-6a4b1f5b8f0e.json");
  });

  it("record the size and SHA-256 of the stored bytes", () => {
    const body = Buffer.from('{"é":1}');
    expect(payloadRef("b", "k", body)).toEqual({
      bucket: "b",
      key: "k",
      bytes: 8,
      sha256: createHash("sha256").update(body).digest("hex"),
    });
  });

  it("tell bytes read back that are not the stored ones", () => {
    const ref = payloadRef("b", "payloads/x.json", Buffer.from('{"a":1}'));
    expect(payloadMismatch(ref, Buffer.from('{"a":1}'))).toBeUndefined();
    expect(payloadMismatch(ref, Buffer.from('{"a":12}'))).toBe(
      "s3://b/payloads/x.json holds 8 bytes, expected 7",
    );
    expect(payloadMismatch(ref, Buffer.from('{"a":2}'))).toMatch(/has SHA-256 [0-9a-f]{64}, expected /);
  });
});
