import { describe, expect, it } from "vitest";
import { RequestLog } from "../../../../local/console/request-log";
import { toDeployedApiGatewayEvent } from "../../../../local/samples/api-gateway-v2-event";
import { sampleSecretsFromEnv } from "../../../../local/samples/sample-secrets";
import { buildSampleWebhooks } from "../../../../local/samples/sample-webhooks";

const sample = (name: string) =>
  buildSampleWebhooks(sampleSecretsFromEnv({}).secrets).find((s) => s.name === name)!;

describe("RequestLog", () => {
  it("keeps a request's redacted headers and queued event ids, never its body or query", () => {
    const log = new RequestLog();
    const github = sample("github");
    const event = { ...toDeployedApiGatewayEvent(github), rawQueryString: "token=secret-in-query" };
    log.observe(event, {
      statusCode: 200,
      headers: { "x-correlation-id": "c-1" },
      body: '{"status":"accepted","id":"e-1","ids":["e-1","e-2"]}',
    });
    const [seen] = log.recent();
    expect(seen).toMatchObject({
      correlation_id: "c-1",
      method: "POST",
      path: "/webhooks/github",
      provider: "github",
      status_code: 200,
      event_ids: ["e-1", "e-2"],
    });
    expect(seen!.headers["x-hub-signature-256"]).toBe("[redacted]");
    const kept = JSON.stringify(seen);
    expect(kept).not.toContain(github.headers["x-hub-signature-256"]);
    expect(kept).not.toContain("secret-in-query");
    expect(kept).not.toContain(github.body);
    expect(log.find("e-2")).toBe(seen);
    expect(log.find("request:c-1", "c-1")).toBe(seen);
  });

  it("queues nothing for a refused or unparsable answer", () => {
    const log = new RequestLog();
    const event = toDeployedApiGatewayEvent(sample("slack-events"));
    log.observe(event, { statusCode: 401, body: '{"error":"bad signature","id":"x"}' });
    log.observe(event, { statusCode: 200, body: "" });
    log.observe(event, { statusCode: 200, body: "{not json" });
    expect(log.recent().map((r) => r.event_ids)).toEqual([[], [], []]);
  });

  it("forgets the oldest requests beyond its capacity", () => {
    const log = new RequestLog(2);
    const event = toDeployedApiGatewayEvent(sample("github"));
    for (const id of ["a", "b", "c"]) {
      log.observe(event, { statusCode: 200, body: JSON.stringify({ status: "accepted", id }) });
    }
    expect(log.recent().map((r) => r.event_ids[0])).toEqual(["c", "b"]);
    expect(log.find("a")).toBeUndefined();
  });
});
