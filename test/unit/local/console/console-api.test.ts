import { describe, expect, it } from "vitest";
import { AttemptLog } from "../../../../local/console/attempt-log";
import { ConsoleApi, type ConsoleRequest } from "../../../../local/console/console-api";
import type { ConsoleDeps } from "../../../../local/console/console-deps";
import type { EventDetail } from "../../../../local/console/event-detail";
import { RequestLog } from "../../../../local/console/request-log";
import { toDeployedApiGatewayEvent } from "../../../../local/samples/api-gateway-v2-event";
import { sampleSecretsFromEnv } from "../../../../local/samples/sample-secrets";
import { buildSampleWebhooks, type SampleWebhook } from "../../../../local/samples/sample-webhooks";
import { serialiseEnvelope } from "../../../../shared/envelope/envelope";
import { bodyAttributes, eventItem } from "../../../../shared/events/event-item";
import type { EventsTableReader, ListQuery } from "../../../../shared/operations/events-table-reader";
import type { QueueMessage } from "../../../../shared/queue/event-queue";
import type { Claim } from "../../../../shared/routing/claims";

const HOST = "localhost:3000";
const ORIGIN = `http://${HOST}`;
const NOW = new Date("2026-01-05T10:00:00.000Z");
const samples = () => buildSampleWebhooks(sampleSecretsFromEnv({}).secrets, { now: NOW });
const github = () => samples().find((s) => s.name === "github")!;

const PAYLOAD =
  '{"action":"opened","repository":{"full_name":"incidentfox/mono-repo"},"n":12345678901234567890}';

/** Event ids are UUIDs in an envelope. */
const D = "0b9d3c1e-8f55-4e0a-9a51-3f0f5c1d0001";
const U = "0b9d3c1e-8f55-4e0a-9a51-3f0f5c1d0002";
const F = "0b9d3c1e-8f55-4e0a-9a51-3f0f5c1d0003";

function envelopeBody(id: string): string {
  return serialiseEnvelope(
    {
      id,
      provider: "github",
      route: "/webhooks/github",
      event_type: "pull_request",
      delivery_key: "d-1",
      received_at: NOW.toISOString(),
      correlation_id: "corr-1",
      headers: { "user-agent": "GitHub-Hookshot/1", "x-github-event": "pull_request" },
    },
    PAYLOAD,
  );
}

/** An outcome record as the router writes it (the real item builder). */
function record(
  status: "delivered" | "unrouted" | "failed",
  id: string,
  extra: Record<string, unknown> = {},
) {
  return {
    ...eventItem(
      {
        event_id: id,
        status,
        message_id: `m-${id}`,
        attempts: status === "failed" ? 3 : 1,
        provider: "github",
        route: "/webhooks/github",
        event_type: "pull_request",
        delivery_key: "d-1",
        received_at: NOW.toISOString(),
        correlation_id: `corr-${id}`,
        identifiers: { github_repo: "incidentfox/mono-repo", service: "payment" },
        ...(status === "delivered"
          ? { org_id: "extend", team_node_id: "sre", matched_by: "github_repo", agent_status: 200 }
          : {}),
        ...(status === "failed"
          ? { org_id: "extend", team_node_id: "sre", agent_status: 500, last_error: "agent answered 500" }
          : {}),
        body: envelopeBody(id),
      },
      NOW,
    ),
    ...extra,
  };
}

const CLAIMS: Claim[] = [
  {
    kind: "github_repo",
    value: "incidentfox/mono-repo",
    org_id: "extend",
    team_node_id: "sre",
    updated_at: "",
  },
];

function setup(items: Record<string, Record<string, unknown>> = {}, failure?: Error) {
  const queued: QueueMessage[] = [];
  const reads: string[] = [];
  const listings: ListQuery[] = [];
  const posted: SampleWebhook[] = [];
  const events = {
    tableName: "local-events",
    async get(id: string) {
      reads.push(id);
      if (failure) throw failure;
      return items[id];
    },
    async list(query: ListQuery) {
      listings.push(query);
      if (failure) throw failure;
      return {
        events: Object.values(items).filter(
          (i) =>
            query.statuses.includes(i.status as never) && (!query.provider || i.provider === query.provider),
        ),
      };
    },
  } as unknown as EventsTableReader;
  const requests = new RequestLog();
  const attempts = new AttemptLog();
  const deps: ConsoleDeps = {
    events,
    routing: {
      listTeams: async () => [],
      getClaims: async (refs) =>
        CLAIMS.filter((c) => refs.some((r) => r.kind === c.kind && r.value === c.value)),
    },
    replay: {
      events,
      deliveries: () => ({ get: async () => undefined, forget: async () => true }) as never,
      queue: { send: async (messages) => void queued.push(...messages) },
    },
    requests,
    attempts,
    samples,
    post: async (sample) => {
      posted.push(sample);
      return { status: 200, correlation_id: "c-9", body: '{"status":"accepted","id":"e-9"}' };
    },
  };
  return { api: new ConsoleApi(deps), queued, reads, listings, posted, requests, attempts };
}

function request(method: string, path: string, extra: Partial<ConsoleRequest> = {}): ConsoleRequest {
  const [pathname, search] = path.split("?");
  return {
    method,
    path: pathname!,
    query: new URLSearchParams(search ?? ""),
    headers: { host: HOST, ...(method === "POST" ? { origin: ORIGIN } : {}) },
    body: "",
    ...extra,
  };
}

describe("the console API", () => {
  it("refuses a foreign Host before reading anything", async () => {
    const { api, reads, listings } = setup({ a: record("delivered", "a") });
    const answer = await api.handle(request("GET", "/events/a", { headers: { host: "evil.example:3000" } }));
    expect(answer.status).toBe(403);
    expect(answer.body).toEqual({ error: expect.stringContaining("only on localhost") });
    expect(
      await api.handle(request("GET", "/events", { headers: { host: "rebind.evil:3000" } })),
    ).toMatchObject({
      status: 403,
    });
    expect(reads).toEqual([]);
    expect(listings).toEqual([]);
  });

  it("refuses a replay or a sample without the console's own Origin, and does nothing", async () => {
    const { api, queued, posted } = setup({ [U]: record("unrouted", U) });
    for (const origin of [undefined, "https://evil.example"]) {
      const headers = { host: HOST, ...(origin ? { origin } : {}) };
      expect((await api.handle(request("POST", `/events/${U}/replay`, { headers }))).status).toBe(403);
      expect((await api.handle(request("POST", "/samples/github", { headers }))).status).toBe(403);
    }
    expect(queued).toEqual([]);
    expect(posted).toEqual([]);
  });

  it.each([
    ["a space", "a%20b"],
    ["a control character", "a%0Ab"],
    ["broken percent-encoding", "%E0%A4%A"],
    ["too long", "x".repeat(1101)],
  ])("answers 400 for an event id with %s", async (_why, id) => {
    const { api, reads } = setup();
    const answer = await api.handle(request("GET", `/events/${id}`));
    expect(answer.status).toBe(400);
    expect((answer.body as { error: string }).error).toMatch(/event id/);
    expect((await api.handle(request("POST", `/events/${id}/replay`))).status).toBe(400);
    expect(reads).toEqual([]);
  });

  it("answers 404 naming the table for an unknown event, to view or to replay", async () => {
    const { api, queued } = setup();
    const shown = await api.handle(request("GET", "/events/nope"));
    expect(shown).toEqual({
      status: 404,
      body: {
        error: `no event nope in the events table 'local-events' (records expire after 30 days, a delivered event's after 7 by default)`,
      },
    });
    const replayed = await api.handle(request("POST", "/events/nope/replay"));
    expect(replayed.status).toBe(404);
    expect(replayed.body).toMatchObject({
      reason: "not_found",
      error: expect.stringContaining("no event nope"),
    });
    expect(queued).toEqual([]);
  });

  it("shows a delivered event's route and agent answer, and says its body was not kept", async () => {
    const { api, requests } = setup({ [D]: record("delivered", D) });
    const sample = github();
    requests.observe(toDeployedApiGatewayEvent(sample, NOW), {
      statusCode: 200,
      headers: { "x-correlation-id": `corr-${D}` },
      body: JSON.stringify({ status: "accepted", id: D }),
    });
    const answer = await api.handle(request("GET", `/events/${D}`));
    expect(answer.status).toBe(200);
    const detail = answer.body as EventDetail;
    expect(detail.record).toMatchObject({ event_id: D, status: "delivered", agent_status: 200 });
    expect(detail.record).not.toHaveProperty("body");
    expect(detail.payload).toEqual({
      kept: false,
      why: "body not kept for delivered events (the agent has it)",
      bytes: expect.any(Number),
    });
    expect(detail.envelope).toBeUndefined();
    expect(detail.routing.matched_by).toBe("github_repo");
    expect(detail.routing.candidates).toEqual([
      expect.objectContaining({
        kind: "github_repo",
        priority: 4,
        claim: expect.objectContaining({ team_node_id: "sre" }),
      }),
      { kind: "service", value: "payment", priority: 7 },
    ]);
    // The request's headers, as received: the signature is there, but never its value.
    expect(detail.request!.headers["x-hub-signature-256"]).toBe("[redacted]");
    expect(detail.request!.headers["x-github-event"]).toBe("pull_request");
    expect(JSON.stringify(detail)).not.toContain(sample.headers["x-hub-signature-256"]);
  });

  it("shows each attempt the router logged, beside the record's last answer", async () => {
    const { api, attempts } = setup({ [F]: record("failed", F) });
    const line = (fields: Record<string, unknown>) =>
      attempts.observeLine(JSON.stringify({ event_id: F, ...fields }));
    line({
      timestamp: "2026-01-05T10:00:01.000Z",
      status: "retrying",
      attempts: 1,
      agent_status: 503,
      reason: "agent answered 503",
      retry_in_seconds: 2,
    });
    line({
      timestamp: "2026-01-05T10:00:04.000Z",
      status: "failed",
      attempts: 2,
      agent_status: 500,
      reason: "agent answered 500",
    });
    const detail = (await api.handle(request("GET", `/events/${F}`))).body as EventDetail;
    expect(detail.attempts.history).toEqual([
      {
        at: "2026-01-05T10:00:01.000Z",
        attempt: 1,
        status: "retrying",
        agent_status: 503,
        reason: "agent answered 503",
        retry_in_seconds: 2,
      },
      {
        at: "2026-01-05T10:00:04.000Z",
        attempt: 2,
        status: "failed",
        agent_status: 500,
        reason: "agent answered 500",
      },
    ]);
    expect(detail.attempts.note).toContain("as the router logged it");
    const unseen = (await api.handle(request("GET", `/events/${F}`.replace(F, D)))).status;
    expect(unseen).toBe(404);
  });

  it("shows a kept payload's exact text and the envelope's metadata", async () => {
    const { api } = setup({ [F]: record("failed", F) });
    const detail = (await api.handle(request("GET", `/events/${F}`))).body as EventDetail;
    expect(detail.payload).toEqual({ kept: true, text: PAYLOAD, bytes: Buffer.byteLength(PAYLOAD) });
    expect(detail.envelope).toMatchObject({
      id: F,
      event_type: "pull_request",
      headers: { "x-github-event": "pull_request" },
    });
    expect(detail.envelope).not.toHaveProperty("payload_text");
    expect(detail.attempts).toMatchObject({
      count: 3,
      agent_status: 500,
      last_error: "agent answered 500",
      history: [],
    });
    expect(detail.attempts.note).toContain("did not see the router's lines");
    expect(detail.record).not.toHaveProperty("body");
  });

  it("shows a refused request from the audit trail with the headers it came with, never a body", async () => {
    const audit = {
      event_id: "request:c-7",
      status: "rejected",
      listed_status: "rejected",
      updated_at: NOW.toISOString(),
      reason: "bad_signature",
      status_code: 401,
      provider: "github",
      correlation_id: "c-7",
    };
    const summary = {
      ...audit,
      event_id: "requests:github:bad_signature:1",
      suppressed: 41,
      correlation_id: undefined,
    };
    const { api, requests } = setup({ [audit.event_id]: audit, [summary.event_id]: summary });
    requests.observe(toDeployedApiGatewayEvent(github(), NOW), {
      statusCode: 401,
      headers: { "x-correlation-id": "c-7" },
      body: '{"error":"bad signature","correlation_id":"c-7"}',
    });
    const detail = (await api.handle(request("GET", "/events/request%3Ac-7"))).body as EventDetail;
    expect(detail.payload).toEqual({
      kept: false,
      why: "never kept for a request ingest answered itself: its content is not trusted, and may be an attacker's",
    });
    expect(detail.request).toMatchObject({ correlation_id: "c-7", status_code: 401 });
    expect(detail.request!.headers["x-hub-signature-256"]).toBe("[redacted]");
    const listed = (await api.handle(request("GET", "/events?status=rejected"))).body as {
      events: unknown[];
    };
    expect(listed.events).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ event_id: "request:c-7", reason: "bad_signature" }),
        expect.objectContaining({ reason: "bad_signature (41 more not recorded one by one)" }),
      ]),
    );
  });

  it("says so when a kept status's body was too large to store", async () => {
    const { body: _body, ...tooLarge } = {
      ...record("unrouted", "big"),
      ...bodyAttributes("x".repeat(100), 10),
    };
    const { api } = setup({ big: tooLarge });
    const detail = (await api.handle(request("GET", "/events/big"))).body as EventDetail;
    expect(detail.payload).toEqual({
      kept: false,
      why: "not stored: too large for the events table",
      bytes: 100,
    });
  });

  it("replays through the CLI's use case, refusing a delivered event unless forced", async () => {
    const { api, queued } = setup({ [U]: record("unrouted", U), [D]: record("delivered", D) });
    const replayed = await api.handle(request("POST", `/events/${U}/replay`));
    expect(replayed).toMatchObject({
      status: 200,
      body: { event_id: U, previous_status: "unrouted", forced: false },
    });
    expect(queued.map((m) => m.body)).toEqual([envelopeBody(U)]);

    const refused = await api.handle(request("POST", `/events/${D}/replay`));
    expect(refused.status).toBe(409);
    expect(refused.body).toMatchObject({
      reason: "delivered",
      error: expect.stringContaining("Tick 'force' to forget the delivery"),
    });

    // Forced, it still cannot: a delivered event's body is not kept.
    const forced = await api.handle(request("POST", `/events/${D}/replay`, { body: '{"force":true}' }));
    expect(forced.status).toBe(409);
    expect(forced.body).toMatchObject({ reason: "body_not_stored" });
    expect(queued).toHaveLength(1);
  });

  it("answers 400 for a replay body that is not a JSON object, and 405 for a GET", async () => {
    const { api, queued } = setup({ [U]: record("unrouted", U) });
    for (const body of ["{", "[true]", '"force"']) {
      const answer = await api.handle(request("POST", `/events/${U}/replay`, { body }));
      expect(answer.status, body).toBe(400);
      expect((answer.body as { error: string }).error).toContain("JSON object");
    }
    expect((await api.handle(request("GET", `/events/${U}/replay`))).status).toBe(405);
    expect(queued).toEqual([]);
  });

  it("lists the table's events and the accepted ones the router has not recorded yet, newest first", async () => {
    const { api, requests } = setup({ [D]: record("delivered", D) });
    const later = new Date(NOW.getTime() + 60_000);
    requests.observe(toDeployedApiGatewayEvent(github(), later), {
      statusCode: 200,
      headers: { "x-correlation-id": "c-2" },
      body: '{"status":"accepted","id":"pending-1"}',
    });
    const answer = await api.handle(request("GET", "/events"));
    expect(answer.status).toBe(200);
    expect((answer.body as { events: unknown[] }).events).toEqual([
      { event_id: "pending-1", status: "accepted", at: later.toISOString(), provider: "github" },
      expect.objectContaining({ event_id: D, status: "delivered", team: "extend/sre", agent_status: 200 }),
    ]);
  });

  it("filters by provider and status, and refuses unknown ones naming the valid values", async () => {
    const { api, listings } = setup({ [D]: record("delivered", D) });
    const only = await api.handle(request("GET", "/events?provider=slack&status=delivered,failed"));
    expect(only).toEqual({ status: 200, body: { events: [] } });
    expect(listings.at(-1)).toMatchObject({ statuses: ["delivered", "failed"], provider: "slack" });

    const badStatus = await api.handle(request("GET", "/events?status=delivered,lost"));
    expect(badStatus.status).toBe(400);
    expect((badStatus.body as { error: string }).error).toMatch(
      /unknown status 'lost': use any of accepted, delivered/,
    );
    const badProvider = await api.handle(request("GET", "/events?provider=stripe"));
    expect((badProvider.body as { error: string }).error).toMatch(
      /unknown provider 'stripe': use one of slack/,
    );
    for (const limit of ["0", "501", "1.5", "ten"]) {
      expect((await api.handle(request("GET", `/events?limit=${limit}`))).status, limit).toBe(400);
    }
  });

  it("sends a named sample and refuses an unknown one, listing the names", async () => {
    const { api, posted } = setup();
    const sent = await api.handle(request("POST", "/samples/github"));
    expect(sent).toMatchObject({
      status: 200,
      body: { sample: "github", path: "/webhooks/github", status: 200 },
    });
    expect(posted.map((s) => s.name)).toEqual(["github"]);
    const unknown = await api.handle(request("POST", "/samples/stripe"));
    expect(unknown.status).toBe(404);
    expect((unknown.body as { error: string }).error).toMatch(/no sample 'stripe': use one of slack-events/);
  });

  it("answers 502 saying what failed when the table cannot be read, and 404 for an unknown path", async () => {
    const { api } = setup({}, new Error("connect ECONNREFUSED 127.0.0.1:8000"));
    const failed = await api.handle(request("GET", "/events"));
    expect(failed.status).toBe(502);
    expect((failed.body as { error: string }).error).toContain("ECONNREFUSED");
    expect((await api.handle(request("GET", "/nothing"))).status).toBe(404);
  });
});
