import { describe, expect, it } from "vitest";
import { namespacedDeliveryKey } from "../../../shared/envelope/delivery-key";

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
