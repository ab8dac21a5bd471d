import fc from "fast-check";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { createIngestHandler } from "../../../../functions/ingest/handler";
import { recordIngestResult } from "../../../../functions/ingest/record-result";
import { recordLine } from "../../../../shared/observability/record-line";
import { PROVIDERS } from "../../../../shared/providers/registry";
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

const REQUEST = { correlationId: "req-1", coldStart: false };

describe("recordIngestResult", () => {
  it("counts received and accepted per provider", () => {
    recordIngestResult(
      {
        statusCode: 200,
        body: {},
        provider: "github",
        outcome: "accepted",
        events: [{ id: "i", eventType: "issues", deliveryKey: "d" }],
      },
      REQUEST,
    );
    // Counted once, by outcome: the receipt rate is the sum of the outcomes.
    expect(spies.metrics).toEqual([{ name: "WebhooksAccepted", dimensions: { provider: "github" } }]);
  });

  it("counts rejections by reason, and unknown routes under provider 'unknown'", () => {
    recordIngestResult(
      {
        statusCode: 404,
        body: {},
        outcome: "rejected",
        reason: "unknown_route",
        problem: "no route",
      },
      REQUEST,
    );
    expect(spies.metrics).toContainEqual({
      name: "WebhooksRejected",
      dimensions: { provider: "unknown", reason: "unknown_route" },
    });
  });

  it("says on a bad signature's record what re-reading the secret found, and only there", () => {
    const badSignature = {
      statusCode: 401,
      body: {},
      provider: "slack" as const,
      outcome: "rejected" as const,
      reason: "bad_signature" as const,
      problem: "X-Slack-Signature does not match",
    };
    recordIngestResult({ ...badSignature, secretReread: "failed" }, REQUEST);
    recordIngestResult(badSignature, REQUEST);
    expect(spies.records.map((r) => r.secret_reread)).toEqual(["failed", undefined]);
  });

  it("counts ignored events and handshakes as ignored", () => {
    recordIngestResult(
      { statusCode: 200, body: {}, provider: "slack", outcome: "handshake", reason: "x" },
      REQUEST,
    );
    recordIngestResult(
      { statusCode: 200, body: {}, provider: "github", outcome: "ignored", reason: "ping" },
      REQUEST,
    );
    expect(spies.metrics.filter((m) => m.name === "WebhooksIgnored")).toHaveLength(2);
  });

  it("writes one record per request: outcome, provider, correlation id, event ids and types (no delivery key), and the first request's cold start", () => {
    recordIngestResult(
      {
        statusCode: 200,
        body: {},
        provider: "github",
        outcome: "accepted",
        events: [{ id: "e-1", eventType: "push", deliveryKey: "d-1" }],
      },
      { correlationId: "req-9", coldStart: true },
    );
    recordIngestResult(
      { statusCode: 503, body: {}, provider: "slack", outcome: "unavailable", problem: "queue down" },
      REQUEST,
    );
    expect(spies.records).toEqual([
      {
        level: "INFO",
        message: "webhook accepted",
        events: [{ id: "e-1", eventType: "push" }],
        outcome: "accepted",
        provider: "github",
        correlation_id: "req-9",
        cold_start: true,
      },
      {
        level: "ERROR",
        message: "webhook not accepted: retry expected from the sender",
        problem: "queue down",
        outcome: "unavailable",
        provider: "slack",
        correlation_id: "req-1",
      },
    ]);
  });
});

/** Text a sender controls may hold: what JSON must escape, lone surrogates, line separators. */
const senderText = fc.string({
  unit: fc.oneof(
    fc.constantFrom(
      '"',
      "\\",
      "\n",
      "\r",
      "\t",
      "\u0000",
      "\u001f",
      "\u2028",
      "\u2029",
      "\ud800",
      "\udc00",
      "😀",
    ),
    fc.string({ unit: "binary", minLength: 1, maxLength: 1 }),
  ),
});

describe("the accepted record's text", () => {
  it("is JSON.stringify of its fields, whatever the correlation id, event ids and types hold", () => {
    const writeJson = vi.mocked(recordLine.writeJson);
    const accepted = fc.record({
      provider: fc.option(fc.constantFrom(...Object.keys(PROVIDERS)), { nil: undefined }),
      correlationId: senderText,
      coldStart: fc.boolean(),
      filtered: fc.option(fc.nat(), { nil: undefined }),
      events: fc.array(
        fc.record({
          id: senderText,
          eventType: senderText,
          deliveryKey: senderText,
          payloadStored: fc.boolean(),
        }),
        { maxLength: 4 },
      ),
    });
    fc.assert(
      fc.property(accepted, ({ provider, correlationId, coldStart, filtered, events }) => {
        recordIngestResult(
          {
            statusCode: 200,
            body: {},
            provider: provider as keyof typeof PROVIDERS | undefined,
            outcome: "accepted",
            events: events.map(({ payloadStored, ...event }) =>
              payloadStored ? { ...event, payloadStored } : event,
            ),
            ...(filtered === undefined ? {} : { filtered }),
          },
          { correlationId, coldStart },
        );
        const expected = {
          level: "INFO",
          message: "webhook accepted",
          outcome: "accepted",
          provider: provider ?? "unknown",
          correlation_id: correlationId,
          events: events.map(({ id, eventType, payloadStored }) =>
            payloadStored ? { id, eventType, payloadStored } : { id, eventType },
          ),
          ...(filtered ? { filtered } : {}),
          ...(coldStart ? { cold_start: true } : {}),
        };
        const [text, counted] = writeJson.mock.lastCall!;
        expect(text).toBe(JSON.stringify(expected));
        expect(JSON.parse(text)).toEqual(expected);
        expect(counted).toEqual([{ dimensions: ["provider"], metrics: ["WebhooksAccepted"] }]);
      }),
    );
  });
});

describe("the ingest handler's logs and metrics", () => {
  it("are one record line per request, whatever its outcome, and no logger line for an expected one", async () => {
    const handler = createIngestHandler(() => testIngestDeps());
    await handler(signedGithubEvent());
    await handler(signedSlackEvent({ secret: "forger" }));
    expect(spies.records.map((r) => r.outcome)).toEqual(["accepted", "rejected"]);
    expect(spies.records[0]).toHaveProperty("cold_start", true);
    expect(spies.records[1]).not.toHaveProperty("cold_start");
    expect(spies.logText().split("\n")).toHaveLength(2);
  });

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
      { name: "WebhooksRejected", dimensions: { provider: "slack", reason: "bad_signature" } },
    ]);
  });
});
