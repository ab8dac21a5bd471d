import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { createIngestHandler } from "../../../../functions/ingest/handler";
import { recordIngestResult } from "../../../../functions/ingest/record-result";
import { InMemoryEventQueue, testIngestDeps } from "../../../support/in-memory-event-queue";
import { spyOnObservability } from "../../../support/observability-spies";
import {
  signedGenericEvent,
  signedGithubEvent,
  signedSlackEvent,
  TEST_SECRETS,
} from "../../../support/signed-requests";

let spies: ReturnType<typeof spyOnObservability>;
beforeEach(() => {
  spies = spyOnObservability();
});
afterEach(() => {
  spies.restore();
});

describe("recordIngestResult", () => {
  it("counts received and accepted per provider", () => {
    recordIngestResult({
      statusCode: 200,
      body: {},
      provider: "github",
      outcome: "accepted",
      events: [{ id: "i", eventType: "issues", deliveryKey: "d" }],
    });
    expect(spies.metrics).toEqual([
      { name: "WebhooksReceived", dimensions: { provider: "github" } },
      { name: "WebhooksAccepted", dimensions: { provider: "github" } },
    ]);
  });

  it("counts rejections by reason, and unknown routes under provider 'unknown'", () => {
    recordIngestResult({
      statusCode: 404,
      body: {},
      outcome: "rejected",
      reason: "unknown_route",
      problem: "no route",
    });
    expect(spies.metrics).toContainEqual({
      name: "WebhooksRejected",
      dimensions: { provider: "unknown", reason: "unknown_route" },
    });
  });

  it("counts ignored events and handshakes as ignored", () => {
    recordIngestResult({ statusCode: 200, body: {}, provider: "slack", outcome: "handshake", reason: "x" });
    recordIngestResult({ statusCode: 200, body: {}, provider: "github", outcome: "ignored", reason: "ping" });
    expect(spies.metrics.filter((m) => m.name === "WebhooksIgnored")).toHaveLength(2);
  });
});

describe("the ingest handler's logs and metrics", () => {
  it("never log a secret, token or signature, whatever the outcome", async () => {
    const good = signedGithubEvent();
    const bearer = signedGenericEvent("coralogix", { auth: "bearer" });
    const forged = signedSlackEvent({ secret: "forger" });
    const handler = createIngestHandler(() => testIngestDeps());
    const down = createIngestHandler(() => testIngestDeps({ queue: new InMemoryEventQueue().failWith() }));
    for (const event of [good, bearer, forged]) await handler(event);
    await down(good);
    const logged = spies.logText();
    expect(logged).toMatch(/webhook accepted/);
    expect(logged).toMatch(/webhook rejected/);
    expect(logged).toMatch(/retry expected/);
    for (const secret of [TEST_SECRETS.github, TEST_SECRETS.slack, TEST_SECRETS.generic.coralogix!]) {
      expect(logged).not.toContain(secret);
    }
    for (const signature of [good.headers["x-hub-signature-256"]!, forged.headers["x-slack-signature"]!]) {
      expect(logged).not.toContain(signature.slice(7));
    }
  });

  it("count a rejection by reason per provider", async () => {
    await createIngestHandler(() => testIngestDeps())(signedSlackEvent({ secret: "forger" }));
    expect(spies.metrics).toEqual([
      { name: "WebhooksReceived", dimensions: { provider: "slack" } },
      { name: "WebhooksRejected", dimensions: { provider: "slack", reason: "bad_signature" } },
    ]);
  });
});
