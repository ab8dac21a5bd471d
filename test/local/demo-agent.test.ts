import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type DemoAgent, startDemoAgent } from "../../local/agent/demo-agent";
import { agentRequestBody } from "../../shared/agent/agent-request";
import { standardWebhookHeaders } from "../../shared/crypto/standard-webhooks";

const SECRET = `whsec_${Buffer.from("demo-agent-test-key").toString("base64")}`;
let agent: DemoAgent;

beforeAll(async () => {
  agent = await startDemoAgent({ port: 0, signingSecrets: [SECRET] });
});

afterAll(async () => {
  await agent.stop();
});

const post = (body: string) =>
  fetch(agent.url, {
    method: "POST",
    headers: { "content-type": "application/json", ...standardWebhookHeaders(SECRET, "msg_1", body) },
    body,
  });

describe("demo agent", () => {
  it("records the payload's own bytes: the text the router inserted verbatim", async () => {
    const payloadText = '{ "id" : 12345678901234567890, "t": "🔥 \uFFFE" }';
    const meta = {
      id: "6f1c0f39-0a8e-4c53-9d0c-6a4b1f5b8f0e",
      provider: "generic",
      event_type: "alert.fired",
      delivery_key: "/webhooks/generic/{source}:datadog:a-1",
      received_at: "2024-06-01T12:00:00.000Z",
      team: { org_id: "acme", team_node_id: "sre", matched_by: "service", identifier: "checkout" },
    };
    const response = await post(agentRequestBody({ meta, payloadText }));
    expect(response.status).toBe(200);
    expect(agent.deliveries.at(-1)).toMatchObject({
      id: meta.id,
      provider: "generic",
      team: meta.team,
      payload_bytes: Buffer.byteLength(payloadText, "utf8"),
    });
  });

  it("refuses a signed body that is not an agent request", async () => {
    const before = agent.deliveries.length;
    const response = await post('{"no":"payload"}');
    expect(response.status).toBe(400);
    expect(agent.deliveries).toHaveLength(before);
  });
});
