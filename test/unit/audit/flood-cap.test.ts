import { describe, expect, it } from "vitest";
import { FloodCap } from "../../../shared/audit/flood-cap";
import type { RequestRecord } from "../../../shared/audit/request-record";

const record = (over: Partial<RequestRecord> = {}): RequestRecord => ({
  status: "rejected",
  reason: "bad_signature",
  status_code: 401,
  provider: "github",
  correlation_id: "req-1",
  received_at: "2026-12-01T00:00:00.000Z",
  ...over,
});

function clock(start = Date.parse("2026-12-01T10:00:05Z")) {
  let now = start;
  return { now: () => now, advance: (ms: number) => (now += ms) };
}

describe("FloodCap", () => {
  it("keeps the first N per source, reason and minute; counts the rest in one summary", () => {
    const c = clock();
    const cap = new FloodCap({ perMinute: 3, flushEveryMs: 10_000, now: c.now });
    const decisions = Array.from({ length: 10 }, () => cap.decide(record()).kind);
    expect(decisions).toEqual(["write", "write", "write", ...Array(7).fill("count")]);
    expect(cap.due()).toEqual([]); // not yet: at most one summary write per group every 10 s
    c.advance(10_000);
    expect(cap.due()).toEqual([
      expect.objectContaining({
        group: "github:rejected:bad_signature",
        window: "2026-12-01T10:00:00.000Z",
        count: 7,
      }),
    ]);
    expect(cap.due()).toEqual([]);
  });

  it("caps each source and reason apart", () => {
    const cap = new FloodCap({ perMinute: 1, flushEveryMs: 0 });
    expect(cap.decide(record()).kind).toBe("write");
    expect(cap.decide(record({ reason: "malformed" })).kind).toBe("write");
    expect(cap.decide(record({ provider: "generic", source: "datadog" })).kind).toBe("write");
    expect(cap.decide(record({ provider: "generic", source: "grafana" })).kind).toBe("write");
    expect(cap.decide(record()).kind).toBe("count");
  });

  it("starts every minute afresh and carries the last minute's count to the next write", () => {
    const c = clock();
    const cap = new FloodCap({ perMinute: 1, flushEveryMs: 60_000, now: c.now });
    cap.decide(record());
    cap.decide(record());
    cap.decide(record());
    c.advance(60_000);
    expect(cap.decide(record()).kind).toBe("write");
    expect(cap.due()).toEqual([expect.objectContaining({ window: "2026-12-01T10:00:00.000Z", count: 2 })]);
  });

  it("drains every pending count whatever its age", () => {
    const cap = new FloodCap({ perMinute: 0, flushEveryMs: 60_000 });
    cap.decide(record());
    cap.decide(record({ status: "ignored", reason: "ping", status_code: 200 }));
    expect(cap.drain().map((s) => [s.group, s.count])).toEqual([
      ["github:rejected:bad_signature", 1],
      ["github:ignored:ping", 1],
    ]);
    expect(cap.drain()).toEqual([]);
  });
});
