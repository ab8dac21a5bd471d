import { createHash } from "node:crypto";
import type { APIGatewayProxyEventV2 } from "aws-lambda";
import { describe, expect, it } from "vitest";
import type { IngestConfig } from "../../../shared/config/ingest-config";
import { ingestWebhook } from "../../../shared/ingest/ingest-webhook";
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
  it("queues an envelope that fits inline (v1), storing nothing", async () => {
    const store = new InMemoryPayloadStore();
    const { result, envelopes } = await ingest(signedGithubEvent({ body: githubBody(1000) }), { store });
    expect(result).toMatchObject({ statusCode: 200, outcome: "accepted" });
    expect(envelopes[0]).toMatchObject({ v: 1, payload: { action: "labeled" } });
    expect(store.objects.size).toBe(0);
  });

  it("stores a payload that does not fit and queues a v2 envelope pointing at it", async () => {
    const store = new InMemoryPayloadStore("the-bucket");
    const body = githubBody(LIMIT * 3);
    const event = signedGithubEvent({ body, now: new Date("2024-06-01T23:59:59.000Z") });
    const { result, queued, envelopes } = await ingest(event, { store });
    expect(result).toMatchObject({ statusCode: 200, outcome: "accepted", body: { status: "accepted" } });
    const envelope = envelopes[0]!;
    expect(result).toMatchObject({ events: [{ id: envelope.id, payloadStored: true }] });
    expect(envelope).not.toHaveProperty("payload");
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
    expect(store.objects.get(envelope.payload_ref!.key)!.toString("utf8")).toBe(body);
    expect(queued[0]!.attributes).toMatchObject({ provider: "github", event_type: "issues" });
    expect(Buffer.byteLength(queued[0]!.body)).toBeLessThan(LIMIT);
  });

  it("stores only the PagerDuty V2 messages that do not fit, each under its own envelope id", async () => {
    const store = new InMemoryPayloadStore();
    const body = JSON.stringify({
      messages: [
        { id: "small", event: "incident.trigger" },
        { id: "big", event: "incident.trigger", pad: "x".repeat(LIMIT) },
      ],
    });
    const { result, envelopes } = await ingest(signedPagerDutyEvent({ body }), { store });
    expect(result.statusCode).toBe(200);
    expect(envelopes.map((e) => e.v)).toEqual([1, 2]);
    expect(JSON.parse(store.objects.get(envelopes[1]!.payload_ref!.key)!.toString())).toMatchObject({
      id: "big",
    });
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
