import { describe, expect, it } from "vitest";
import {
  ReconcileConfigError,
  reconcileConfigFromEnv,
} from "../../../../functions/github-reconcile/reconcile-config";

const TABLES = { EVENTS_TABLE: "events", IDEMPOTENCY_TABLE: "claims" };

describe("reconcileConfigFromEnv", () => {
  it("defaults to api.github.com, the last 2 hours, 100 redeliveries a run and a 5-minute secrets cache", () => {
    expect(reconcileConfigFromEnv(TABLES)).toEqual({
      eventsTable: "events",
      idempotencyTable: "claims",
      apiUrl: "https://api.github.com",
      windowMinutes: 120,
      maxRedeliveries: 100,
      secretsCacheSeconds: 300,
    });
  });

  it("takes every setting from its variable (a GitHub Enterprise Server URL without its trailing slash)", () => {
    expect(
      reconcileConfigFromEnv({
        ...TABLES,
        GITHUB_API_URL: "https://github.example.com/api/v3/",
        GITHUB_RECONCILE_WINDOW_MINUTES: "1440",
        GITHUB_RECONCILE_MAX: " 7 ",
        SECRETS_CACHE_SECONDS: "0",
      }),
    ).toMatchObject({
      apiUrl: "https://github.example.com/api/v3",
      windowMinutes: 1440,
      maxRedeliveries: 7,
      secretsCacheSeconds: 0,
    });
  });

  it("names every missing or bad variable at once, and how to fix it", () => {
    let caught: unknown;
    try {
      reconcileConfigFromEnv({
        IDEMPOTENCY_TABLE: " ",
        GITHUB_API_URL: "ftp://github.example.com",
        GITHUB_RECONCILE_WINDOW_MINUTES: "two hours",
        GITHUB_RECONCILE_MAX: "0",
      });
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(ReconcileConfigError);
    const message = (caught as Error).message;
    expect(message).toContain("EVENTS_TABLE is not set: it must name the events table");
    expect(message).toContain("IDEMPOTENCY_TABLE is empty");
    expect(message).toContain("GITHUB_API_URL must be an http(s) URL, got 'ftp://github.example.com'");
    expect(message).toContain(
      "GITHUB_RECONCILE_WINDOW_MINUTES must be a whole number from 1 to 10080, got 'two hours'",
    );
    expect(message).toContain("GITHUB_RECONCILE_MAX must be a whole number from 1 to 1000, got '0'");
  });
});
