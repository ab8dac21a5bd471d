import { afterEach, describe, expect, it, vi } from "vitest";
import {
  type Envelope,
  inlinePayloadText,
  PAYLOAD_REF_ENVELOPE_VERSION,
} from "../../../shared/envelope/envelope";
import { payloadRef } from "../../../shared/payloads/payload-ref";
import { loadPayloadText } from "../../../shared/router/load-payload";
import { InMemoryPayloadStore } from "../../support/in-memory-payload-store";
import { CONFIG, fakeDeps, route, slackEnvelope, sqsRecord } from "./router-fakes";

afterEach(() => vi.restoreAllMocks());

/** The v2 envelope ingest queues for `envelope` when its payload is stored in `store`. */
async function stored(
  envelope: Envelope,
  store: InMemoryPayloadStore,
  text = inlinePayloadText(envelope)!,
): Promise<Extract<Envelope, { v: 2 }>> {
  const key = `payloads/2024/06/01/${envelope.id}.json`;
  await store.put(key, Buffer.from(text));
  const { payload_text: _inline, v: _v, ...meta } = envelope as Extract<Envelope, { v: 3 }>;
  return {
    ...meta,
    v: PAYLOAD_REF_ENVELOPE_VERSION,
    payload_ref: payloadRef(store.bucket, key, Buffer.from(text)),
  };
}

describe("loadPayloadText", () => {
  it("returns an inline payload's text as it is, without asking the store", async () => {
    const envelope = slackEnvelope();
    expect(await loadPayloadText(envelope, new InMemoryPayloadStore().failWith())).toEqual({
      ok: true,
      text: inlinePayloadText(envelope),
    });
  });

  it("reads a v2 envelope's payload back byte for byte, checked against its size and SHA-256", async () => {
    const store = new InMemoryPayloadStore();
    const text = '{ "event": {"channel":"C0A4967KRBM"}, "n": 12345678901234567890 }';
    const v2 = await stored(slackEnvelope(), store, text);
    expect(await loadPayloadText(v2, store)).toEqual({ ok: true, text });
  });

  it("fails for good on a missing object, another bucket, changed bytes, or no store; retryably when S3 fails", async () => {
    const store = new InMemoryPayloadStore("payloads-here");
    const v2 = await stored(slackEnvelope(), store);
    const problem = async (envelope: Envelope, reader = store) => {
      const loaded = await loadPayloadText(envelope, reader);
      return loaded.ok ? "loaded" : { retryable: loaded.retryable, problem: loaded.problem };
    };
    expect(await problem({ ...v2, payload_ref: { ...v2.payload_ref, key: "payloads/none.json" } })).toEqual({
      retryable: false,
      problem: "s3://payloads-here/payloads/none.json cannot be read (NoSuchKey)",
    });
    expect(await problem({ ...v2, payload_ref: { ...v2.payload_ref, bucket: "elsewhere" } })).toMatchObject({
      retryable: false,
      problem: expect.stringMatching(/reads payloads from bucket payloads-here only/),
    });
    store.objects.set(v2.payload_ref.key, Buffer.from(JSON.stringify({ replaced: true })));
    expect(await problem(v2)).toMatchObject({
      retryable: false,
      problem: expect.stringMatching(/not the one ingest stored/),
    });
    expect(await loadPayloadText(v2, undefined)).toMatchObject({
      ok: false,
      retryable: false,
      problem: expect.stringMatching(/no PAYLOAD_BUCKET/),
    });
    expect(await problem(v2, new InMemoryPayloadStore("payloads-here").failWith())).toEqual({
      retryable: true,
      problem: "S3 is down: 503 Slow Down",
    });
  });

  it("rejects a stored payload that is not JSON text, not retrying it", async () => {
    const store = new InMemoryPayloadStore();
    const f = fakeDeps({ payloads: store });
    const envelope = slackEnvelope();
    await route(f.deps, [sqsRecord(JSON.stringify(await stored(envelope, store, "{not json")))]);
    expect(f.events.last(envelope.id)).toMatchObject({
      status: "rejected",
      last_error: expect.stringMatching(/not valid JSON/),
    });
  });
});

describe("router: envelopes whose payload is stored apart", () => {
  it("routes on the stored payload and delivers it to the agent as if it had been inline", async () => {
    const store = new InMemoryPayloadStore();
    const f = fakeDeps({ payloads: store });
    const envelope = slackEnvelope();
    const record = sqsRecord(JSON.stringify(await stored(envelope, store)));
    expect(await route(f.deps, [record])).toEqual({ batchItemFailures: [] });
    const [request] = f.agent.requests();
    expect(request!.meta).toMatchObject({ id: envelope.id, team: { matched_by: "slack_channel_id" } });
    expect(request!.payloadText).toBe(inlinePayloadText(envelope));
    // The recorded body is the small message, replayable while the payload is kept.
    expect(f.events.last(envelope.id)).toMatchObject({ status: "delivered", body: record.body });
  });

  it("records a payload that can never be read as rejected, with its envelope's fields, and does not retry it", async () => {
    const store = new InMemoryPayloadStore();
    const f = fakeDeps({ payloads: store });
    const envelope = slackEnvelope();
    const v2 = await stored(envelope, store);
    store.objects.clear();
    expect(await route(f.deps, [sqsRecord(JSON.stringify(v2))])).toEqual({ batchItemFailures: [] });
    expect(f.agent.calls).toHaveLength(0);
    expect(f.events.last(envelope.id)).toMatchObject({
      status: "rejected",
      provider: "slack",
      delivery_key: envelope.delivery_key,
      last_error: expect.stringMatching(/cannot be read \(NoSuchKey\)/),
    });
    expect(f.counts.EventsRejected).toBe(1);
  });

  it("retries, with backoff, a record whose payload the store cannot give right now; the rest of the batch goes on", async () => {
    const store = new InMemoryPayloadStore();
    const f = fakeDeps({ payloads: store });
    const stuck = sqsRecord(JSON.stringify(await stored(slackEnvelope(), store)), 2);
    const inline = slackEnvelope();
    store.failWith();
    const response = await route(f.deps, [stuck, sqsRecord(JSON.stringify(inline))]);
    expect(response.batchItemFailures).toEqual([{ itemIdentifier: stuck.messageId }]);
    expect(f.agent.calls.map((c) => c.webhookId)).toEqual([inline.id]);
    expect(f.visibility.changes).toEqual([
      { receiptHandle: stuck.receiptHandle, seconds: expect.any(Number) },
    ]);
    const id = JSON.parse(stuck.body).id;
    expect(f.events.last(id)).toMatchObject({
      status: "retrying",
      attempts: 2,
      last_error: "S3 is down: 503 Slow Down",
    });
    // On the last delivery SQS will make, it is recorded dead instead.
    const last = sqsRecord(stuck.body, CONFIG.maxReceiveCount);
    await route(f.deps, [last]);
    expect(f.events.last(id)).toMatchObject({ status: "dead" });
  });

  it("treats any unexpected reader error as retryable, never as a lost event", async () => {
    const store = new InMemoryPayloadStore();
    const f = fakeDeps({
      payloads: { bucket: store.bucket, get: () => Promise.reject(new TypeError("boom")) },
    });
    const record = sqsRecord(JSON.stringify(await stored(slackEnvelope(), store)));
    expect((await route(f.deps, [record])).batchItemFailures).toHaveLength(1);
    expect(f.events.outcomes.at(-1)).toMatchObject({ status: "retrying", last_error: "boom" });
  });
});
