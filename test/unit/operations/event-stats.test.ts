import { describe, expect, it } from "vitest";
import { eventStats } from "../../../shared/operations/event-stats";

describe("eventStats", () => {
  it("counts per provider and in total; error rate is failed + dead + rejected over received", () => {
    const stats = eventStats(
      [
        { status: "delivered", provider: "slack" },
        { status: "delivered", provider: "slack" },
        { status: "failed", provider: "slack" },
        { status: "unrouted", provider: "github" },
        { status: "rejected" },
        { status: "retrying", provider: "github" },
      ],
      "2026-01-01T00:00:00.000Z",
    );
    expect(stats.since).toBe("2026-01-01T00:00:00.000Z");
    expect(Object.keys(stats.providers)).toEqual(["github", "slack", "unknown"]);
    expect(stats.providers.slack).toMatchObject({ received: 3, delivered: 2, failed: 1, error_rate: 33.3 });
    expect(stats.providers.github).toMatchObject({
      received: 2,
      unrouted: 1,
      retrying: 1,
      error_rate: 0,
      unrouted_rate: 50,
    });
    expect(stats.total).toMatchObject({ received: 6, error_rate: 33.3, unrouted_rate: 16.7 });
  });

  it("has zero rates, not NaN, when nothing was received", () => {
    expect(eventStats([], "t").total).toMatchObject({
      received: 0,
      error_rate: 0,
      unrouted_rate: 0,
      dead: 0,
    });
  });
});
