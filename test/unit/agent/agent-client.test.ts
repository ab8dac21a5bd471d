import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import {
  HttpAgentClient,
  type HttpAgentClientOptions,
} from "../../../shared/adapters/http/http-agent-client";
import type { AgentCall } from "../../../shared/agent/agent-client";
import { agentRequestBody } from "../../../shared/agent/agent-request";
import { verifyStandardWebhook } from "../../../shared/crypto/standard-webhooks";
import {
  closedPort,
  type LocalAgentServer,
  startLocalAgentServer,
  streamForever,
  trickleForever,
} from "./local-agent-server";

const SECRET = `whsec_${Buffer.from("agent-signing-secret-for-tests").toString("base64")}`;
const TOKEN = "team-token-3f9a7c1e";
const EVENT_ID = "6f1c1f52-8a57-4d9b-9a36-0d6a7c1f0e11";

// A payload only a verbatim copy keeps intact: a big integer, odd spacing, key order, non-ASCII.
const body = agentRequestBody({
  meta: {
    id: EVENT_ID,
    provider: "slack",
    event_type: "app_mention",
    delivery_key: "/webhooks/slack/events:Ev0A1B2C3D",
    received_at: "2025-01-02T03:04:05.000Z",
    team: {
      org_id: "extend",
      team_node_id: "extend-sre",
      matched_by: "slack_channel_id",
      identifier: "C0A4967KRBM",
    },
  },
  payloadText: '{ "z":1,  "event_ts": 12345678901234567890, "text":"investigate ✓" }',
});

let server: LocalAgentServer;
const clients: HttpAgentClient[] = [];

beforeAll(async () => {
  server = await startLocalAgentServer();
});
afterEach(() => {
  for (const c of clients.splice(0)) c.close();
  server.calls.length = 0;
  server.answerWith((response) => response.writeHead(202).end());
});
afterAll(() => server.close());

const newClient = (options: Partial<HttpAgentClientOptions> = {}) => {
  const client = new HttpAgentClient({
    timeoutMs: 2_000,
    signingSecret: async () => SECRET,
    allowLocalHttp: true,
    ...options,
  });
  clients.push(client);
  return client;
};

const call = (overrides: Partial<AgentCall> = {}): AgentCall => ({
  url: server.url,
  body,
  webhookId: EVENT_ID,
  correlationId: "req-123",
  ...overrides,
});

const stringHeaders = (headers: Record<string, string | string[] | undefined>) =>
  Object.fromEntries(Object.entries(headers).filter((e): e is [string, string] => typeof e[1] === "string"));

describe("HttpAgentClient: the request", () => {
  it("POSTs call.body byte for byte, signed the Standard Webhooks way, with the correlation id", async () => {
    const result = await newClient().deliver(call());
    expect(result).toMatchObject({ outcome: "delivered", status: 202 });
    expect(server.calls).toHaveLength(1);
    const received = server.calls[0]!;
    expect(received.raw.equals(Buffer.from(body, "utf8"))).toBe(true);
    expect(received.headers["content-type"]).toBe("application/json");
    expect(received.headers["x-correlation-id"]).toBe("req-123");
    expect(received.headers["webhook-id"]).toBe(EVENT_ID);
    const headers = stringHeaders(received.headers);
    expect(verifyStandardWebhook(headers, received.raw, [SECRET], new Date())).toEqual({ ok: true });
    expect(verifyStandardWebhook(headers, received.raw, ["whsec_b3RoZXI="], new Date()).ok).toBe(false);
  });

  it("sends the team's token as a bearer token when there is one, and no Authorization otherwise", async () => {
    const client = newClient();
    await client.deliver(call({ token: TOKEN }));
    await client.deliver(call());
    expect(server.calls[0]!.headers.authorization).toBe(`Bearer ${TOKEN}`);
    expect(server.calls[1]!.headers).not.toHaveProperty("authorization");
  });

  it("reuses one kept-alive connection for consecutive calls", async () => {
    const client = newClient();
    const before = server.opened();
    for (let i = 0; i < 3; i++) expect((await client.deliver(call())).outcome).toBe("delivered");
    expect(server.opened() - before).toBe(1);
    expect(new Set(server.calls.map((c) => c.connection)).size).toBe(1);
  });
});

describe("HttpAgentClient: the agent URL rule", () => {
  it("refuses a local URL outside the local pipeline, without connecting", async () => {
    const before = server.opened();
    let secretRead = false;
    const result = await newClient({
      allowLocalHttp: false,
      signingSecret: async () => {
        secretRead = true;
        return SECRET;
      },
    }).deliver(call());
    expect(result).toEqual({
      outcome: "permanent",
      errorClass: "bad_url",
      error: expect.stringMatching(/^the agent URL points at 127\.0\.0\.1, a loopback address/),
      durationMs: 0,
    });
    expect(result).not.toHaveProperty("status");
    expect(server.opened()).toBe(before);
    expect(server.calls).toHaveLength(0);
    expect(secretRead).toBe(false);
  });

  it.each([
    ["user info", (url: string) => url.replace("http://", "http://ops:hunter2@")],
    ["a private address", () => "https://10.0.0.7/invoke?key=hunter2"],
    ["the metadata address", () => "http://169.254.169.254/latest/meta-data/"],
    ["a malformed URL", () => "http//hunter2"],
  ])("refuses %s even in the local pipeline, never quoting the URL", async (_, urlOf) => {
    const before = server.opened();
    const result = await newClient().deliver(call({ url: urlOf(server.url) }));
    expect(result).toMatchObject({ outcome: "permanent", errorClass: "bad_url", durationMs: 0 });
    expect(result.outcome === "permanent" && result.error).not.toContain("hunter2");
    expect(server.opened()).toBe(before);
  });

  it("refuses a token that cannot be a header value, without connecting or quoting it", async () => {
    const before = server.opened();
    const result = await newClient().deliver(call({ token: `${TOKEN}\n` }));
    expect(result).toMatchObject({ outcome: "permanent", errorClass: "permanent" });
    expect(JSON.stringify(result)).not.toContain(TOKEN);
    expect(server.opened()).toBe(before);
  });
});

describe("HttpAgentClient: answers", () => {
  it.each([500, 502, 503, 408, 429])("classifies HTTP %i as retryable", async (status) => {
    server.answerWith((response) => response.writeHead(status).end("failing on purpose"));
    const result = await newClient().deliver(call());
    expect(result).toMatchObject({ outcome: "retryable", errorClass: "retryable", status });
    expect(result.outcome === "retryable" && result.error).toBe(
      `agent answered HTTP ${status}: failing on purpose`,
    );
  });

  it("passes on the agent's Retry-After", async () => {
    server.answerWith((response) => response.writeHead(429, { "retry-after": "120" }).end());
    expect(await newClient().deliver(call())).toMatchObject({ outcome: "retryable", retryAfterSeconds: 120 });
  });

  it.each([400, 401, 403, 404, 410, 422])(
    "classifies HTTP %i as permanent, keeping 200 characters",
    async (status) => {
      server.answerWith((response) => response.writeHead(status).end("x".repeat(5000)));
      const result = await newClient().deliver(call());
      expect(result).toMatchObject({ outcome: "permanent", errorClass: "permanent", status });
      expect(result.outcome === "permanent" && result.error).toBe(
        `agent answered HTTP ${status}: ${"x".repeat(200)}`,
      );
    },
  );

  it("redacts the team's token and anything secret-looking the agent echoes in an error body", async () => {
    server.answerWith((response) =>
      response
        .writeHead(401)
        .end(
          `bad: ${TOKEN} webhook-signature v1,${"A".repeat(44)} secret ${SECRET} slack xoxb-123-abc Bearer xyz`,
        ),
    );
    const result = await newClient().deliver(call({ token: TOKEN }));
    const error = result.outcome === "permanent" ? result.error : "";
    expect(error).toMatch(/^agent answered HTTP 401: bad: \[redacted\]/);
    expect(error).not.toMatch(/team-token|v1,A|whsec_|xoxb-|Bearer xyz/);
  });

  it("classifies a refused connection (closed port) as a network error", async () => {
    const port = await closedPort();
    const result = await newClient().deliver(call({ url: `http://127.0.0.1:${port}/invoke` }));
    expect(result).toMatchObject({ outcome: "retryable", errorClass: "network" });
    expect(result.outcome === "retryable" && result.error).toContain("ECONNREFUSED");
  });

  it("gives up on an agent that never answers, at the timeout, and closes the connection", async () => {
    server.answerWith(() => undefined);
    const connection = server.opened() + 1;
    const started = Date.now();
    const result = await newClient({ timeoutMs: 300 }).deliver(call());
    expect(result).toMatchObject({ outcome: "retryable", errorClass: "timeout" });
    expect(Date.now() - started).toBeGreaterThanOrEqual(290);
    expect(Date.now() - started).toBeLessThan(1_500);
    await server.closedConnection(connection);
  });
});

describe("HttpAgentClient: response bodies never pin a pooled socket", () => {
  it("an endless 200 body: delivered promptly, the socket destroyed once the cap is read", async () => {
    server.answerWith(streamForever(200));
    const connection = server.opened() + 1;
    const started = Date.now();
    const result = await newClient({ timeoutMs: 10_000 }).deliver(call());
    expect(result).toMatchObject({ outcome: "delivered", status: 200 });
    expect(Date.now() - started).toBeLessThan(1_000);
    await server.closedConnection(connection);
    // Closed by the cap, long before the 10 s deadline could have done it.
    expect(Date.now() - started).toBeLessThan(2_000);
  });

  it("a trickling 200 body: delivered at the headers, the socket destroyed at the deadline", async () => {
    server.answerWith(trickleForever(200));
    const connection = server.opened() + 1;
    const started = Date.now();
    const result = await newClient({ timeoutMs: 400 }).deliver(call());
    expect(result).toMatchObject({ outcome: "delivered", status: 200 });
    expect(Date.now() - started).toBeLessThan(300);
    await server.closedConnection(connection);
    expect(Date.now() - started).toBeGreaterThanOrEqual(390);
    expect(Date.now() - started).toBeLessThan(1_500);
  });

  it("an endless 500 body: retryable by its status, promptly, with a capped snippet and the socket destroyed", async () => {
    server.answerWith(streamForever(500));
    const connection = server.opened() + 1;
    const started = Date.now();
    const result = await newClient({ timeoutMs: 10_000 }).deliver(call());
    expect(result).toEqual({
      outcome: "retryable",
      errorClass: "retryable",
      status: 500,
      error: `agent answered HTTP 500: ${"x".repeat(200)}`,
      durationMs: expect.any(Number),
    });
    await server.closedConnection(connection);
    expect(Date.now() - started).toBeLessThan(2_000);
  });

  it("a trickling 500 body: answered by its status at the deadline, not later, and not as a timeout", async () => {
    server.answerWith(trickleForever(503));
    const connection = server.opened() + 1;
    const started = Date.now();
    const result = await newClient({ timeoutMs: 400 }).deliver(call());
    const elapsed = Date.now() - started;
    expect(result).toMatchObject({ outcome: "retryable", errorClass: "retryable", status: 503 });
    expect(result.outcome === "retryable" && result.error).toMatch(/^agent answered HTTP 503: x+$/);
    expect(elapsed).toBeGreaterThanOrEqual(390);
    expect(elapsed).toBeLessThan(1_000);
    await server.closedConnection(connection);
  });

  it("a body that ends within maxResponseBytes keeps its socket; one byte more costs it", async () => {
    const client = newClient({ maxResponseBytes: 16 });
    server.answerWith((response) => response.writeHead(404).end("y".repeat(16)));
    const first = server.opened() + 1;
    await client.deliver(call());
    await client.deliver(call());
    expect(server.calls.map((c) => c.connection)).toEqual([first, first]);

    server.answerWith((response) => response.writeHead(404).end("y".repeat(17)));
    await client.deliver(call());
    await server.closedConnection(first);
    await client.deliver(call());
    expect(server.calls.map((c) => c.connection)).toEqual([first, first, first, first + 1]);
  });
});
