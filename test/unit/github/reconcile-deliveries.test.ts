import { describe, expect, it } from "vitest";
import { reconcileDeliveries } from "../../../shared/github/reconcile-deliveries";
import { attempt, FakeAccepted, FakeGitHub, FakeLedger, minutesAgo, NOW } from "./reconcile-fakes";

const since = minutesAgo(24 * 60);
const run = (
  github: FakeGitHub,
  more: { accepted?: FakeAccepted; ledger?: FakeLedger; dryRun?: boolean; max?: number } = {},
) =>
  reconcileDeliveries(
    { github, accepted: more.accepted ?? new FakeAccepted(), ledger: more.ledger ?? new FakeLedger() },
    { since, dryRun: more.dryRun ?? false, max: more.max ?? 100, now: () => NOW },
  );

describe("reconcileDeliveries", () => {
  it("redelivers a delivery no attempt of which got a 2xx, once, by its newest attempt, and records it", async () => {
    const first = attempt("lost", 503, minutesAgo(300));
    const retry = attempt("lost", 429, minutesAgo(200), { redelivery: true });
    const github = new FakeGitHub([retry, first]);
    const ledger = new FakeLedger();
    const report = await run(github, { ledger });
    expect(report.rows).toEqual([
      {
        guid: "lost",
        event: "pull_request",
        action: "opened",
        firstStatus: 503,
        attempts: 2,
        did: "redelivered",
      },
    ]);
    expect(github.redelivered).toEqual([retry.id]);
    expect(report).toMatchObject({ foundFailed: 1, requested: 1, failed: 0 });
    expect(ledger.records.get("lost")?.request).toEqual({
      guid: "lost",
      deliveryId: retry.id,
      event: "pull_request",
      action: "opened",
      firstStatus: 503,
      attempts: 2,
      requestedAt: NOW,
    });
  });

  it("leaves alone a delivery that failed first and succeeded on a later attempt", async () => {
    const github = new FakeGitHub([
      attempt("healed", 500, minutesAgo(90)),
      attempt("healed", 202, minutesAgo(80), { redelivery: true }),
    ]);
    const accepted = new FakeAccepted();
    const report = await run(github, { accepted });
    expect(report.rows[0]).toMatchObject({ guid: "healed", firstStatus: 500, attempts: 2, did: "succeeded" });
    expect(github.redelivered).toEqual([]);
    // A success needs no look at the pipeline's tables.
    expect(accepted.asked).toEqual([]);
    expect(report).toMatchObject({ foundFailed: 0, requested: 0 });
  });

  it("does not redeliver a failure the pipeline nevertheless accepted (its 2xx lost on the way back)", async () => {
    const github = new FakeGitHub([attempt("queued-anyway", 0, minutesAgo(30))]);
    const accepted = new FakeAccepted(new Set(["queued-anyway"]));
    const report = await run(github, { accepted });
    expect(report.rows[0]).toMatchObject({ firstStatus: 0, did: "accepted_by_pipeline" });
    expect(accepted.asked).toEqual([{ guid: "queued-anyway", since }]);
    expect(github.redelivered).toEqual([]);
    expect(report.foundFailed).toBe(0);
  });

  it("never asks twice within an hour: ours in the ledger, or one GitHub logged", async () => {
    const ledger = new FakeLedger();
    const github = new FakeGitHub([attempt("a", 502, minutesAgo(120))]);
    await run(github, { ledger });
    const again = await run(github, { ledger });
    expect(again.rows[0]?.did).toBe("redelivered_recently");
    expect(github.redelivered).toHaveLength(1);
    expect(again).toMatchObject({ foundFailed: 1, requested: 0 });

    // Someone clicked "Redeliver" 20 minutes ago and it failed too.
    const clicked = new FakeGitHub([
      attempt("b", 502, minutesAgo(120)),
      attempt("b", 502, minutesAgo(20), { redelivery: true }),
    ]);
    expect((await run(clicked)).rows[0]?.did).toBe("redelivered_recently");
    expect(clicked.redelivered).toEqual([]);
  });

  it("asks again once the hour has passed since the last request", async () => {
    const ledger = new FakeLedger();
    const github = new FakeGitHub([
      attempt("c", 500, minutesAgo(300)),
      attempt("c", 500, minutesAgo(61), { redelivery: true }),
    ]);
    ledger.records.set("c", {
      request: {
        guid: "c",
        deliveryId: 1,
        event: "push",
        firstStatus: 500,
        attempts: 1,
        requestedAt: minutesAgo(61),
      },
    });
    expect((await run(github, { ledger })).rows[0]?.did).toBe("redelivered");
  });

  it("loses the race to a run that recorded the same guid first, and then asks nothing", async () => {
    const ledger = new FakeLedger();
    const github = new FakeGitHub([attempt("raced", 500, minutesAgo(10))]);
    // The other run records between our read and our write.
    ledger.lastRequested = async () => undefined;
    await ledger.record(
      {
        guid: "raced",
        deliveryId: 1,
        event: "push",
        firstStatus: 500,
        attempts: 1,
        requestedAt: minutesAgo(1),
      },
      minutesAgo(60),
    );
    // The race lost takes none of the run's max: the next guid is still redelivered.
    const next = attempt("next", 500, minutesAgo(5));
    const both = new FakeGitHub([...github.log, next]);
    const report = await run(both, { ledger, max: 1 });
    expect(report.rows.map((r) => r.did)).toEqual(["redelivered_recently", "redelivered"]);
    expect(both.redelivered).toEqual([next.id]);
  });

  it("stops at --max, oldest first; the rest are over_max", async () => {
    const github = new FakeGitHub([
      attempt("newest", 500, minutesAgo(10)),
      attempt("oldest", 500, minutesAgo(50)),
      attempt("middle", 500, minutesAgo(30)),
    ]);
    const report = await run(github, { max: 2 });
    expect(report.rows.map((r) => [r.guid, r.did])).toEqual([
      ["oldest", "redelivered"],
      ["middle", "redelivered"],
      ["newest", "over_max"],
    ]);
    expect(report).toMatchObject({ foundFailed: 3, requested: 2 });
  });

  it("--dry-run asks GitHub for nothing and records nothing, within the same max", async () => {
    const github = new FakeGitHub([attempt("x", 500, minutesAgo(10)), attempt("y", 404, minutesAgo(5))]);
    const ledger = new FakeLedger();
    const report = await run(github, { ledger, dryRun: true, max: 1 });
    expect(report.rows.map((r) => r.did)).toEqual(["would_redeliver", "over_max"]);
    expect(github.redelivered).toEqual([]);
    expect(ledger.records.size).toBe(0);
    expect(report).toMatchObject({ foundFailed: 2, requested: 0, failed: 0 });
  });

  it("a refused redelivery is reported with GitHub's reason, recorded as refused, and does not stop the run", async () => {
    const refused = attempt("gone", 500, minutesAgo(40));
    const github = new FakeGitHub([refused, attempt("fine", 500, minutesAgo(20))], new Set([refused.id]));
    const ledger = new FakeLedger();
    const report = await run(github, { ledger });
    expect(report.rows[0]).toMatchObject({
      guid: "gone",
      did: "redelivery_failed",
      detail: expect.stringContaining("422"),
    });
    expect(report.rows[1]).toMatchObject({ guid: "fine", did: "redelivered" });
    expect(report).toMatchObject({ foundFailed: 2, requested: 1, failed: 1 });
    expect(ledger.records.get("gone")?.refused).toContain("422");
    // Refused is not "redelivered": the next run may try again at once.
    expect(await ledger.lastRequested("gone")).toBeUndefined();
  });

  it("an empty window reports nothing; attempts before `since` are not looked at", async () => {
    const github = new FakeGitHub([attempt("old", 500, minutesAgo(25 * 60))]);
    expect(await run(github)).toEqual({ rows: [], foundFailed: 0, requested: 0, failed: 0 });
  });

  it("a listing failure fails the run (nothing is decided on half a log)", async () => {
    const github = new FakeGitHub([]);
    github.listSince = async function* () {
      yield attempt("first", 500, minutesAgo(1));
      throw new Error("listing the webhook's deliveries failed: GitHub answered 401");
    };
    await expect(run(github)).rejects.toThrow(/401/);
    expect(github.redelivered).toEqual([]);
  });
});
