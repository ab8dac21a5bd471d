import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import {
  problemOf,
  recordReconcileFailure,
  recordReconcileResult,
} from "../../../../functions/github-reconcile/record-result";
import { GitHubRequestError } from "../../../../shared/github/github-deliveries";
import type { ReconcileReport, ReconcileRow } from "../../../../shared/github/reconcile-deliveries";
import { logger, metrics } from "../../../../shared/observability/powertools";
import { SecretNotConfiguredError } from "../../../../shared/secrets/secret-reader";

let added: [string, number][];
let published: number;
beforeEach(() => {
  added = [];
  published = 0;
  vi.spyOn(metrics, "addMetric").mockImplementation((name, _unit, value) => {
    added.push([name, value]);
    return metrics;
  });
  vi.spyOn(metrics, "publishStoredMetrics").mockImplementation(() => {
    published += 1;
    return metrics;
  });
  for (const level of ["info", "warn", "error"] as const)
    vi.spyOn(logger, level).mockImplementation(() => {});
});
afterEach(() => {
  vi.restoreAllMocks();
});

const row = (guid: string, did: ReconcileRow["did"], detail?: string): ReconcileRow => ({
  guid,
  event: "pull_request",
  action: "opened",
  firstStatus: 503,
  attempts: 1,
  did,
  ...(detail ? { detail } : {}),
});
const SINCE = new Date("2026-12-01T22:00:00.000Z");

describe("recordReconcileResult", () => {
  it("publishes the three counts, zeros included, in one metrics line", () => {
    recordReconcileResult(
      { rows: [row("a", "succeeded")], foundFailed: 0, requested: 0, failed: 0 },
      { since: SINCE },
    );
    expect(added).toEqual([
      ["GitHubDeliveriesFoundFailed", 0],
      ["GitHubRedeliveriesRequested", 0],
      ["GitHubRedeliveriesFailed", 0],
    ]);
    expect(published).toBe(1);
  });

  it("logs one info line with the window, the counts per action and the guids redelivered", () => {
    const report: ReconcileReport = {
      rows: [
        row("a", "succeeded"),
        row("b", "redelivered"),
        row("c", "redelivered"),
        row("d", "accepted_by_pipeline"),
        row("e", "over_max"),
      ],
      foundFailed: 3,
      requested: 2,
      failed: 0,
    };
    recordReconcileResult(report, { since: SINCE });
    expect(added.map(([, v]) => v)).toEqual([3, 2, 0]);
    expect(logger.error).not.toHaveBeenCalled();
    expect(logger.info).toHaveBeenCalledTimes(1);
    expect(logger.info).toHaveBeenCalledWith("github reconciliation done", {
      since: "2026-12-01T22:00:00.000Z",
      deliveries: 5,
      found_failed: 3,
      requested: 2,
      failed: 0,
      outcomes: { succeeded: 1, redelivered: 2, accepted_by_pipeline: 1, over_max: 1 },
      redelivered: ["b", "c"],
    });
  });

  it("logs at error level, naming each refused delivery and GitHub's answer, when a redelivery failed", () => {
    const report: ReconcileReport = {
      rows: [
        row("b", "redelivered"),
        row("x", "redelivery_failed", "GitHub answered 422 (Validation Failed)"),
      ],
      foundFailed: 2,
      requested: 1,
      failed: 1,
    };
    recordReconcileResult(report, { since: SINCE });
    expect(added).toContainEqual(["GitHubRedeliveriesFailed", 1]);
    expect(logger.info).not.toHaveBeenCalled();
    expect(logger.error).toHaveBeenCalledWith(
      expect.stringContaining("GitHub refused redeliveries"),
      expect.objectContaining({
        failed: 1,
        redelivered: ["b"],
        refused: [{ guid: "x", event: "pull_request", reason: "GitHub answered 422 (Validation Failed)" }],
      }),
    );
  });
});

describe("recordReconcileFailure", () => {
  it("says GitHub is unavailable on a 5xx, and that the next run tries again", () => {
    const problem = recordReconcileFailure(
      new GitHubRequestError("listing the webhook's deliveries failed: GitHub answered 502", 502),
    );
    expect(problem).toBe(
      "listing the webhook's deliveries failed: GitHub answered 502: GitHub is unavailable; the next scheduled run tries again",
    );
    expect(logger.error).toHaveBeenCalledWith("github reconciliation failed", {
      error_name: "GitHubRequestError",
      status: 502,
      problem,
    });
  });

  it("points at the credentials on a 401, at the rate limit on a 429", () => {
    expect(
      problemOf(new GitHubRequestError("x: GitHub answered 401 (Bad credentials)", 401)).problem,
    ).toContain("check app_id and private_key in the credentials secret");
    expect(
      problemOf(new GitHubRequestError("GitHub's rate limit allows no more requests", 429)).problem,
    ).toContain("the next scheduled run tries again");
  });

  it("passes a configuration error's own words on; GitHub out of reach is said so, with no status", () => {
    expect(problemOf(new SecretNotConfiguredError("GITHUB_APP_CREDENTIALS"))).toEqual({
      error_name: "SecretNotConfiguredError",
      problem:
        "GITHUB_APP_CREDENTIALS is not configured: set GITHUB_APP_CREDENTIALS (plain value) or GITHUB_APP_CREDENTIALS_ARN (Secrets Manager)",
    });
    const unanswered = problemOf(new GitHubRequestError("listing failed: fetch failed", 0));
    expect(unanswered).not.toHaveProperty("status");
    expect(unanswered.problem).toBe(
      "listing failed: fetch failed: GitHub could not be reached: check GITHUB_API_URL and the function's network access; the next scheduled run tries again",
    );
  });

  it("never logs the error object (its request options may hold a token), and cuts a long message", () => {
    const error = Object.assign(new Error("x".repeat(1000)), {
      request: { headers: { authorization: "bearer eyJsecret" } },
    });
    const problem = recordReconcileFailure(error);
    expect(problem).toHaveLength(301);
    expect(JSON.stringify(vi.mocked(logger.error).mock.calls)).not.toContain("eyJsecret");
  });
});
