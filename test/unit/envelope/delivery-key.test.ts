import { describe, expect, it } from "vitest";
import { namespacedDeliveryKey, storedDeliveryKey } from "../../../shared/envelope/delivery-key";

describe("namespacedDeliveryKey", () => {
  it("prefixes the provider's id with its route", () => {
    expect(namespacedDeliveryKey({ route: "/webhooks/github", delivery_key: "abc" })).toBe(
      "/webhooks/github:abc",
    );
  });

  it("keeps two generic sources that reuse an id apart", () => {
    const route = "/webhooks/generic/{source}";
    const a = namespacedDeliveryKey({ route, source: "datadog", delivery_key: "42" });
    const b = namespacedDeliveryKey({ route, source: "grafana", delivery_key: "42" });
    expect(a).not.toBe(b);
    expect(a).toBe("/webhooks/generic/{source}:datadog:42");
  });
});

describe("storedDeliveryKey", () => {
  it("keeps a key that fits a table key, and hashes an overlong one (distinct keys stay distinct)", () => {
    const short = "/webhooks/github:abc";
    expect(storedDeliveryKey(short)).toBe(short);
    const long = `/webhooks/generic/{source}:monitor:${"x".repeat(300_000)}`;
    const stored = storedDeliveryKey(long);
    expect(stored).toMatch(/^sha256:[0-9a-f]{64}$/);
    expect(storedDeliveryKey(`${long}y`)).not.toBe(stored);
    expect(storedDeliveryKey(long)).toBe(stored);
  });
});
