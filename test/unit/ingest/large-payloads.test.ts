import { createHash } from "node:crypto";
import type { APIGatewayProxyEventV2 } from "aws-lambda";
import { describe, expect, it } from "vitest";
import type { IngestConfig } from "../../../shared/config/ingest-config";
import {
  type Envelope,
  PAYLOAD_REF_ENVELOPE_VERSION,
  RAW_PAYLOAD_ENVELOPE_VERSION,
} from "../../../shared/envelope/envelope";
import { ingestWebhook } from "../../../shared/ingest/ingest-webhook";
import { queueMessageBytes } from "../../../shared/queue/event-queue";
import { envelopeOf } from "../../support/envelopes";
import { InMemoryEventQueue, testIngestDeps } from "../../support/in-memory-event-queue";
import { InMemoryPayloadStore } from "../../support/in-memory-payload-store";
import {
  samplePayloads,
  signedGithubEvent,
  signedPagerDutyEvent,
  toWebhookRequest,
} from "../../support/signed-requests";

const LIMIT = 4096;

/** Where a v2 envelope's payload was stored; fails the test for an inline one. */
function payloadKeyOf(envelope: Envelope): string {
  if (envelope.v !== PAYLOAD_REF_ENVELOPE_VERSION)
    throw new Error(`a v${envelope.v} envelope stores nothing`);
  return envelope.payload_ref.key;
}

/** A GitHub issue body of about `bytes` bytes. */
const githubBody = (bytes: number) =>
  JSON.stringify({ ...samplePayloads.githubIssue(), pad: "x".repeat(Math.max(0, bytes - 200)) });

async function ingest(
  event: APIGatewayProxyEventV2,
  options: { store?: InMemoryPayloadStore; queue?: InMemoryEventQueue; config?: Partial<IngestConfig> } = {},
) {
  const deps = {
    ...testIngestDeps({
      config: { maxMessageBytes: LIMIT, ...options.config },
      ...(options.queue ? { queue: options.queue } : {}),
    }),
    ...(options.store ? { payloads: options.store } : {}),
  };
  const result = await ingestWebhook(toWebhookRequest(event), deps);
  return {
    result,
    queued: deps.queue.messages,
    envelopes: deps.queue.messages.map((m) => envelopeOf(m.body)),
  };
}

describe("ingestWebhook: payloads too large for one queue message", () => {
  it("queues an envelope that fits inline (v4: the text unescaped), storing nothing", async () => {
    const store = new InMemoryPayloadStore();
    const body = githubBody(1000);
    const { result, envelopes } = await ingest(signedGithubEvent({ body }), { store });
    expect(result).toMatchObject({ statusCode: 200, outcome: "accepted" });
    expect(envelopes[0]).toMatchObject({ v: RAW_PAYLOAD_ENVELOPE_VERSION, payload_text: body });
    expect(store.objects.size).toBe(0);
  });

  it("measures the message as sent: a payload that fits only before escaping is stored apart", async () => {
    // Each `\"` in the body is written `\\\"` inside the envelope's string, each emoji `\uXXXX\uXXXX`:
    // the body is under the limit, the message carrying it would not be.
    const store = new InMemoryPayloadStore();
    const body = JSON.stringify({ ...samplePayloads.githubIssue(), q: '"'.repeat(900), e: "🔥".repeat(300) });
    expect(Buffer.byteLength(body)).toBeLessThan(LIMIT);
    const { result, queued, envelopes } = await ingest(signedGithubEvent({ body }), { store });
    expect(result).toMatchObject({ statusCode: 200, events: [{ payloadStored: true }] });
    expect(envelopes[0]!.v).toBe(2);
    expect(queueMessageBytes(queued[0]!)).toBeLessThanOrEqual(LIMIT);
    expect(store.objects.get(payloadKeyOf(envelopes[0]!))!.toString("utf8")).toBe(body);
  });

  it("stores a payload that does not fit and queues a v2 envelope pointing at it", async () => {
    const store = new InMemoryPayloadStore("the-bucket");
    const body = githubBody(LIMIT * 3);
    const event = signedGithubEvent({ body, now: new Date("2024-06-01T23:59:59.000Z") });
    const { result, queued, envelopes } = await ingest(event, { store });
    expect(result).toMatchObject({ statusCode: 200, outcome: "accepted", body: { status: "accepted" } });
    const envelope = envelopes[0]!;
    expect(result).toMatchObject({ events: [{ id: envelope.id, payloadStored: true }] });
    expect(envelope).not.toHaveProperty("payload_text");
    expect(envelope).toMatchObject({
      v: 2,
      provider: "github",
      event_type: "issues",
      action: "labeled",
      payload_ref: {
        bucket: "the-bucket",
        key: `payloads/2024/06/01/${envelope.id}.json`,
        bytes: Buffer.byteLength(body),
        sha256: createHash("sha256").update(body).digest("hex"),
      },
    });
    // The stored object is the request body, byte for byte.
    expect(store.objects.get(payloadKeyOf(envelope))).toEqual(Buffer.from(body, "utf8"));
    expect(queued[0]!.attributes).toMatchObject({ provider: "github", event_type: "issues" });
    expect(Buffer.byteLength(queued[0]!.body)).toBeLessThan(LIMIT);
  });

  it("stores only the PagerDuty V2 messages that do not fit, each its own text, under its own envelope id", async () => {
    const store = new InMemoryPayloadStore();
    const small = '{ "id": "small", "event": "incident.trigger" }';
    const big = `{"id" : "big", "event": "incident.trigger", "n": 12345678901234567890, "pad": "${"x".repeat(LIMIT)}"}`;
    const body = `{"messages": [${small},  ${big}]}`;
    const { result, envelopes } = await ingest(signedPagerDutyEvent({ body }), { store });
    expect(result.statusCode).toBe(200);
    expect(envelopes.map((e) => e.v)).toEqual([RAW_PAYLOAD_ENVELOPE_VERSION, PAYLOAD_REF_ENVELOPE_VERSION]);
    expect(envelopes[0]).toMatchObject({ payload_text: small });
    expect(store.objects.get(payloadKeyOf(envelopes[1]!))!.toString("utf8")).toBe(big);
    expect(store.objects.size).toBe(1);
  });

  it("refuses with 413 a body over MAX_BODY_BYTES, storing and queueing nothing", async () => {
    const store = new InMemoryPayloadStore();
    const body = githubBody(LIMIT * 3);
    const { result, queued } = await ingest(signedGithubEvent({ body }), {
      store,
      config: { maxBodyBytes: LIMIT * 2 },
    });
    expect(result).toMatchObject({
      statusCode: 413,
      outcome: "rejected",
      reason: "too_large",
      body: { error: `body of ${Buffer.byteLength(body)} bytes exceeds the limit of ${LIMIT * 2} bytes` },
    });
    expect(queued).toHaveLength(0);
    expect(store.objects.size).toBe(0);
  });

  it("refuses with 413 a payload that does not fit when no payload bucket is configured", async () => {
    const { result, queued } = await ingest(signedGithubEvent({ body: githubBody(LIMIT * 3) }));
    expect(result).toMatchObject({
      statusCode: 413,
      body: {
        error: `the event does not fit in one queue message (limit ${LIMIT} bytes) and no payload bucket is configured`,
      },
    });
    expect(queued).toHaveLength(0);
  });

  it("answers 503 and queues nothing when the payload cannot be stored", async () => {
    const store = new InMemoryPayloadStore().failWith();
    const { result, queued } = await ingest(signedGithubEvent({ body: githubBody(LIMIT * 3) }), { store });
    expect(result).toMatchObject({
      statusCode: 503,
      outcome: "unavailable",
      headers: { "retry-after": "30" },
      problem: expect.stringContaining("S3 is down"),
    });
    expect(queued).toHaveLength(0);
  });

  it("answers 503 when the payload was stored but the queue refused the message", async () => {
    const store = new InMemoryPayloadStore();
    const queue = new InMemoryEventQueue().failWith();
    const { result } = await ingest(signedGithubEvent({ body: githubBody(LIMIT * 3) }), { store, queue });
    expect(result).toMatchObject({ statusCode: 503, outcome: "unavailable" });
    // The orphaned object expires with the bucket's lifecycle rule; the provider's retry stores a new one.
    expect(store.objects.size).toBe(1);
  });
});
