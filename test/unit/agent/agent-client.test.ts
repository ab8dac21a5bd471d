import { createServer } from "node:net";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { HttpAgentClient } from "../../../shared/agent/agent-client";
import { type AgentRequest, agentRequest } from "../../../shared/agent/agent-request";
import { verifyStandardWebhook } from "../../../shared/crypto/standard-webhooks";
import type { Envelope } from "../../../shared/envelope/envelope";
import { type FakeAgent, startFakeAgent } from "../../integration/router/fake-agent";

const SECRET = `whsec_${Buffer.from("agent-signing-secret-for-tests").toString("base64")}`;

const envelope: Envelope = {
  v: 1,
  id: "6f1c1f52-8a57-4d9b-9a36-0d6a7c1f0e11",
  provider: "slack",
  route: "/webhooks/slack/events",
  event_type: "app_mention",
  delivery_key: "Ev0A1B2C3D",
  received_at: "2025-01-02T03:04:05.000Z",
  correlation_id: "req-123",
  headers: { "x-slack-retry-num": "1" },
  payload: { event: { type: "app_mention", channel: "C0A4967KRBM", text: "investigate ✓" } },
};

const request: AgentRequest = agentRequest(envelope, {
  org_id: "extend",
  team_node_id: "extend-sre",
  matched_by: "slack_channel_id",
  identifier: "C0A4967KRBM",
});

describe("HttpAgentClient", () => {
  let agent: FakeAgent;
  let client: HttpAgentClient;

  beforeAll(async () => {
    agent = await startFakeAgent();
  });
  afterEach(() => {
    client?.close();
    agent.reset();
  });
  afterAll(() => agent.close());

  const newClient = (timeoutMs = 2_000) => {
    client = new HttpAgentClient({ timeoutMs, signingSecret: async () => SECRET });
    return client;
  };

  it("POSTs the contract's JSON, signed the Standard Webhooks way, with the correlation id", async () => {
    const result = await newClient().deliver(agent.url, request, "req-123");
    expect(result).toMatchObject({ outcome: "delivered", status: 202 });
    expect(agent.requests).toHaveLength(1);
    const received = agent.requests[0]!;
    expect(received.method).toBe("POST");
    expect(received.path).toBe("/invoke");
    expect(received.headers["content-type"]).toBe("application/json");
    expect(received.headers["x-correlation-id"]).toBe("req-123");
    expect(received.headers["webhook-id"]).toBe(envelope.id);
    expect(received.json).toEqual({
      id: envelope.id,
      provider: "slack",
      event_type: "app_mention",
      delivery_key: "Ev0A1B2C3D",
      received_at: "2025-01-02T03:04:05.000Z",
      team: {
        org_id: "extend",
        team_node_id: "extend-sre",
        matched_by: "slack_channel_id",
        identifier: "C0A4967KRBM",
      },
      payload: envelope.payload,
    });
    const headers = Object.fromEntries(
      Object.entries(received.headers).filter((e): e is [string, string] => typeof e[1] === "string"),
    );
    expect(verifyStandardWebhook(headers, received.raw, [SECRET], new Date())).toEqual({ ok: true });
    expect(verifyStandardWebhook(headers, received.raw, ["whsec_b3RoZXI="], new Date()).ok).toBe(false);
  });

  it("reuses one kept-alive connection for consecutive calls", async () => {
    const c = newClient();
    const before = agent.connections();
    for (let i = 0; i < 3; i++) expect((await c.deliver(agent.url, request, "r")).outcome).toBe("delivered");
    expect(agent.connections() - before).toBe(1);
    expect(new Set(agent.requests.map((r) => r.connection)).size).toBe(1);
  });

  it.each([500, 502, 503, 408, 429])("classifies HTTP %i as retryable", async (status) => {
    agent.behave({ kind: "fail", status });
    const result = await newClient().deliver(agent.url, request, "r");
    expect(result).toMatchObject({ outcome: "retryable", errorClass: "retryable", status });
    expect(result.outcome === "retryable" && result.error).toContain(`HTTP ${status}`);
  });

  it("passes on the agent's Retry-After", async () => {
    agent.behave({ kind: "fail", status: 429, retryAfter: "120" });
    expect(await newClient().deliver(agent.url, request, "r")).toMatchObject({
      outcome: "retryable",
      retryAfterSeconds: 120,
    });
  });

  it.each([400, 401, 403, 404, 410, 422])("classifies HTTP %i as permanent", async (status) => {
    agent.behave({ kind: "fail", status, body: "x".repeat(5000) });
    const result = await newClient().deliver(agent.url, request, "r");
    expect(result).toMatchObject({ outcome: "permanent", errorClass: "permanent", status });
    expect(result.outcome === "permanent" && result.error.length).toBeLessThan(300);
  });

  it("redacts anything secret-looking the agent echoes in an error body", async () => {
    agent.behave({
      kind: "fail",
      status: 400,
      body: `bad: webhook-signature v1,${"A".repeat(44)} secret ${SECRET} token xoxb-123-abc Bearer xyz`,
    });
    const result = await newClient().deliver(agent.url, request, "r");
    const error = result.outcome === "permanent" ? result.error : "";
    expect(error).toContain("[redacted]");
    expect(error).not.toMatch(/v1,A|whsec_|xoxb-|Bearer xyz/);
  });

  it("gives up on an agent that does not answer within the timeout", async () => {
    agent.behave({ kind: "hang" });
    const started = Date.now();
    const result = await newClient(300).deliver(agent.url, request, "r");
    expect(result).toMatchObject({ outcome: "retryable", errorClass: "timeout" });
    expect(Date.now() - started).toBeLessThan(2_000);
  });

  it("classifies a refused connection as a network error", async () => {
    const port = await new Promise<number>((resolve) => {
      const s = createServer();
      s.listen(0, "127.0.0.1", () => {
        const p = (s.address() as { port: number }).port;
        s.close(() => resolve(p));
      });
    });
    const result = await newClient().deliver(`http://127.0.0.1:${port}/invoke`, request, "r");
    expect(result).toMatchObject({ outcome: "retryable", errorClass: "network" });
    expect(result.outcome === "retryable" && result.error).toContain("ECONNREFUSED");
  });

  it("treats a 2xx as delivered even when the body never finishes", async () => {
    agent.behave({ kind: "ok", status: 200, stallBody: true });
    expect((await newClient(500).deliver(agent.url, request, "r")).outcome).toBe("delivered");
  });
});
