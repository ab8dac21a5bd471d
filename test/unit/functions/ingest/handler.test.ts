import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { createIngestHandler } from "../../../../functions/ingest/handler";
import { parseEnvelope } from "../../../../shared/envelope/envelope";
import { InMemoryEventQueue, testIngestDeps } from "../../../support/in-memory-event-queue";
import { spyOnObservability } from "../../../support/observability-spies";
import { apiGatewayEvent, signedGithubEvent, signedSlackEvent } from "../../../support/signed-requests";

let spies: ReturnType<typeof spyOnObservability>;
beforeEach(() => {
  spies = spyOnObservability();
});
afterEach(() => {
  spies.restore();
});

describe("createIngestHandler", () => {
  it("answers 200 JSON {status:accepted,id} once the event is on the queue", async () => {
    const deps = testIngestDeps();
    const response = await createIngestHandler(() => deps)(signedGithubEvent({ requestId: "req-9" }));
    expect(response.statusCode).toBe(200);
    expect(response.headers).toEqual({ "content-type": "application/json", "x-correlation-id": "req-9" });
    const body = JSON.parse(response.body!);
    expect(body).toEqual({ status: "accepted", id: expect.stringMatching(/^[0-9a-f-]{36}$/) });
    const envelope = parseEnvelope(deps.queue.messages[0]!.body);
    expect(envelope.ok && envelope.envelope).toMatchObject({ id: body.id, correlation_id: "req-9" });
  });

  it("answers the Slack challenge as JSON", async () => {
    const body = JSON.stringify({ type: "url_verification", challenge: "abc" });
    const response = await createIngestHandler(() => testIngestDeps())(signedSlackEvent({ body }));
    expect(response).toMatchObject({ statusCode: 200, body: '{"challenge":"abc"}' });
  });

  it("answers rejections with a JSON {error} and the extra headers", async () => {
    const handler = createIngestHandler(() => testIngestDeps());
    const get = await handler(signedGithubEvent({ method: "GET" }));
    expect(get).toMatchObject({
      statusCode: 405,
      headers: { "content-type": "application/json", allow: "POST", "x-correlation-id": expect.any(String) },
    });
    expect(JSON.parse(get.body!)).toEqual({
      error: expect.stringMatching(/use POST/),
      correlation_id: get.headers!["x-correlation-id"],
    });
    const unknown = await handler(apiGatewayEvent({ path: "/nope" }));
    expect(unknown.statusCode).toBe(404);
    expect(JSON.parse(unknown.body!)).toHaveProperty("error");
  });

  it("answers 503 with Retry-After when the queue is down", async () => {
    const deps = testIngestDeps({ queue: new InMemoryEventQueue().failWith() });
    const response = await createIngestHandler(() => deps)(signedGithubEvent());
    expect(response).toMatchObject({ statusCode: 503, headers: { "retry-after": "30" } });
    expect(JSON.parse(response.body!)).toEqual({
      error: expect.stringMatching(/retry later/),
      correlation_id: response.headers!["x-correlation-id"],
    });
  });

  it("answers 500 (never throws, never acknowledges) when something unexpected fails", async () => {
    const broken = createIngestHandler(() => {
      throw new Error("QUEUE_URL is not set");
    });
    const response = await broken(signedGithubEvent());
    expect(response.statusCode).toBe(500);
    expect(JSON.parse(response.body!)).toMatchObject({
      error: expect.stringMatching(/not accepted, retry later/),
    });
    expect(JSON.parse(response.body!).correlation_id).toBe(response.headers!["x-correlation-id"]);
    const deps = testIngestDeps({
      queue: new InMemoryEventQueue().failWith(new TypeError("bug in the adapter")),
    });
    expect((await createIngestHandler(() => deps)(signedGithubEvent())).statusCode).toBe(500);
    expect(spies.logText()).toMatch(/ingest failed unexpectedly/);
  });

  it("records a refused and a filtered request in the audit trail, never a queued one, without waiting", async () => {
    const recorded: unknown[] = [];
    const audit = { record: (entry: unknown) => void recorded.push(entry), flush: async () => undefined };
    const deps = {
      ...testIngestDeps(),
      audit,
      config: { ...testIngestDeps().config, eventFilters: { github: [{ event: "issues" }] } },
    };
    const handler = createIngestHandler(() => deps);
    await handler(signedGithubEvent({ requestId: "req-bad", secret: "not-the-secret" }));
    await handler(signedGithubEvent({ requestId: "req-filtered", event: "pull_request" }));
    await handler(signedGithubEvent({ requestId: "req-ok", event: "issues" }));
    await handler(apiGatewayEvent({ path: "/not-a-route" }));
    expect(recorded).toEqual([
      expect.objectContaining({
        status: "rejected",
        reason: "bad_signature",
        status_code: 401,
        provider: "github",
        route: "/webhooks/github",
        correlation_id: "req-bad",
      }),
      expect.objectContaining({
        status: "ignored",
        reason: expect.stringMatching(/^filtered: /),
        event_type: "pull_request",
        delivery_key: expect.any(String),
        correlation_id: "req-filtered",
      }),
    ]);
    expect(JSON.stringify(recorded)).not.toMatch(/sha256=|x-hub-signature/i);
  });
});
