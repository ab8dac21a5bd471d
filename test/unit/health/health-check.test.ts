import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { createIngestHandler } from "../../../functions/ingest/handler";
import { HealthCheck, isHealthPath, type QueueProbe } from "../../../shared/health/health-check";
import { testIngestDeps } from "../../support/in-memory-event-queue";
import { spyOnObservability } from "../../support/observability-spies";
import { apiGatewayEvent, toWebhookRequest } from "../../support/signed-requests";

/** A queue probe that answers (or fails) as told and counts its calls. */
class ScriptedProbe implements QueueProbe {
  calls = 0;
  failure: Error | undefined;
  hang = false;

  probe(): Promise<void> {
    this.calls += 1;
    if (this.hang) return new Promise(() => undefined);
    return this.failure ? Promise.reject(this.failure) : Promise.resolve();
  }
}

const get = (path = "/health", method = "GET") => toWebhookRequest(apiGatewayEvent({ path, method }));

let clock: Date;
let probe: ScriptedProbe;
const check = (cacheSeconds = 30, timeoutMs?: number) =>
  new HealthCheck({
    queue: probe,
    version: "1.2.3",
    cacheSeconds,
    now: () => clock,
    ...(timeoutMs ? { timeoutMs } : {}),
  });

beforeEach(() => {
  clock = new Date("2024-06-01T12:00:00.000Z");
  probe = new ScriptedProbe();
});

describe("HealthCheck", () => {
  it("answers 200 with the version and a reachable queue", async () => {
    expect(await check().answer(get())).toEqual({
      statusCode: 200,
      body: { status: "ok", version: "1.2.3", queue: "reachable", checked_at: "2024-06-01T12:00:00.000Z" },
    });
  });

  it("answers 503 with the same body shape when the queue cannot be reached, keeping the cause for the log", async () => {
    probe.failure = new Error("AWS.SimpleQueueService.NonExistentQueue");
    expect(await check().answer(get())).toEqual({
      statusCode: 503,
      body: {
        status: "unavailable",
        version: "1.2.3",
        queue: "unreachable",
        checked_at: clock.toISOString(),
      },
      problem: "AWS.SimpleQueueService.NonExistentQueue",
    });
  });

  it("counts a queue that does not answer in time as unreachable", async () => {
    probe.hang = true;
    const answer = await check(30, 20).answer(get());
    expect(answer).toMatchObject({ statusCode: 503, problem: "the queue did not answer within 20 ms" });
  });

  it("asks the queue at most once per cache period, concurrent checks included", async () => {
    const health = check(30);
    await Promise.all([health.answer(get()), health.answer(get()), health.answer(get())]);
    expect(probe.calls).toBe(1);
    clock = new Date(clock.getTime() + 29_000);
    const cached = await health.answer(get());
    expect(cached.body).toMatchObject({ checked_at: "2024-06-01T12:00:00.000Z" });
    expect(probe.calls).toBe(1);
    clock = new Date(clock.getTime() + 1_000);
    probe.failure = new Error("gone");
    expect((await health.answer(get())).statusCode).toBe(503);
    expect(probe.calls).toBe(2);
  });

  it("asks every time with a cache of 0 seconds", async () => {
    const health = check(0);
    await health.answer(get());
    await health.answer(get());
    expect(probe.calls).toBe(2);
  });

  it("refuses other methods with 405 without asking the queue", async () => {
    expect(await check().answer(get("/health", "POST"))).toEqual({
      statusCode: 405,
      body: { error: "use GET for /health" },
      headers: { allow: "GET" },
    });
    expect(probe.calls).toBe(0);
  });

  it("recognises /health with or without a trailing slash only", () => {
    expect(isHealthPath("/health")).toBe(true);
    expect(isHealthPath("/health/")).toBe(true);
    expect(isHealthPath("/healthz")).toBe(false);
    expect(isHealthPath("/webhooks/health")).toBe(false);
  });
});

describe("the ingest handler on GET /health", () => {
  let spies: ReturnType<typeof spyOnObservability>;
  beforeEach(() => {
    spies = spyOnObservability();
  });
  afterEach(() => {
    spies.restore();
  });

  it("answers from the health check, as JSON, and counts no webhook", async () => {
    const deps = { ...testIngestDeps(), health: check() };
    const response = await createIngestHandler(() => deps)(
      apiGatewayEvent({ path: "/health", method: "GET" }),
    );
    expect(response).toMatchObject({ statusCode: 200, headers: { "content-type": "application/json" } });
    expect(JSON.parse(response.body!)).toMatchObject({ status: "ok", queue: "reachable", version: "1.2.3" });
    expect(spies.metrics).toEqual([]);
    expect(deps.queue.messages).toHaveLength(0);
  });

  it("logs why the queue is unreachable, never in the body", async () => {
    probe.failure = new Error("connect ECONNREFUSED 127.0.0.1:4566");
    const deps = { ...testIngestDeps(), health: check() };
    const response = await createIngestHandler(() => deps)(
      apiGatewayEvent({ path: "/health", method: "GET" }),
    );
    expect(response.statusCode).toBe(503);
    expect(response.body).not.toContain("ECONNREFUSED");
    expect(spies.logText()).toContain("health check: the webhook queue is unreachable");
    expect(spies.logText()).toContain("connect ECONNREFUSED 127.0.0.1:4566");
  });

  it("leaves webhook routes alone", async () => {
    const deps = { ...testIngestDeps(), health: check() };
    const response = await createIngestHandler(() => deps)(apiGatewayEvent({ path: "/webhooks/nope" }));
    expect(response.statusCode).toBe(404);
    expect(probe.calls).toBe(0);
  });
});
