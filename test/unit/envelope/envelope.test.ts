import { describe, expect, it } from "vitest";
import {
  envelopeMeta,
  parseEnvelope,
  serialiseEnvelope,
  serialiseRefEnvelope,
} from "../../../shared/envelope/envelope";
import { payloadRef } from "../../../shared/payloads/payload-ref";
import type { WebhookEvent } from "../../../shared/providers/provider";

const ctx = {
  id: "6f1c0f39-0a8e-4c53-9d0c-6a4b1f5b8f0e",
  route: { provider: "github" as const, route: "/webhooks/github" },
  receivedAt: new Date("2024-06-01T12:00:00.000Z"),
  correlationId: "req-123",
  headers: {
    "x-github-event": "issues",
    "x-hub-signature-256": "sha256=secret-looking",
    authorization: "Bearer token",
    "user-agent": "GitHub-Hookshot/abc",
  },
};

describe("envelopeMeta", () => {
  it("builds the v1 envelope metadata, carrying only forwarded headers", () => {
    const event: WebhookEvent = { eventType: "issues", action: "labeled", deliveryKey: "d-1", payload: {} };
    expect(envelopeMeta(event, ctx)).toEqual({
      v: 1,
      id: ctx.id,
      provider: "github",
      route: "/webhooks/github",
      event_type: "issues",
      action: "labeled",
      delivery_key: "d-1",
      received_at: "2024-06-01T12:00:00.000Z",
      correlation_id: "req-123",
      headers: { "x-github-event": "issues", "user-agent": "GitHub-Hookshot/abc" },
    });
  });

  it("carries the generic source and a retry", () => {
    const meta = envelopeMeta(
      { eventType: "x", deliveryKey: "k", payload: {}, retry: { num: 1, reason: "http_timeout" } },
      { ...ctx, route: { provider: "generic", route: "/webhooks/generic/{source}", source: "datadog" } },
    );
    expect(meta).toMatchObject({ source: "datadog", retry: { num: 1, reason: "http_timeout" } });
  });

  it("refuses an empty delivery key or event type", () => {
    expect(() => envelopeMeta({ eventType: "x", deliveryKey: "", payload: {} }, ctx)).toThrow();
    expect(() => envelopeMeta({ eventType: "", deliveryKey: "k", payload: {} }, ctx)).toThrow();
  });
});

describe("serialiseEnvelope / parseEnvelope", () => {
  const meta = envelopeMeta({ eventType: "issues", deliveryKey: "d-1", payload: {} }, ctx);

  it("splices the payload's JSON text in as received", () => {
    const payloadJson = '{ "a" : 1,  "n": 12345678901234567890 }';
    const body = serialiseEnvelope(meta, {
      eventType: "issues",
      deliveryKey: "d-1",
      payload: {},
      payloadJson,
    });
    expect(body.endsWith(`"payload":${payloadJson}}`)).toBe(true);
    const parsed = parseEnvelope(body);
    expect(parsed.ok && parsed.envelope).toMatchObject({ ...meta, payload: { a: 1 } });
  });

  it("serialises a payload given as a value", () => {
    const body = serialiseEnvelope(meta, {
      eventType: "issues",
      deliveryKey: "d-1",
      payload: { b: [1, "x"] },
    });
    expect(parseEnvelope(body)).toEqual({ ok: true, envelope: { ...meta, payload: { b: [1, "x"] } } });
  });

  it("round-trips emoji and U+FFFE/U+FFFF, written as escapes SQS accepts", () => {
    const payload = { text: "🔥 fire \uFFFE\uFFFF 𝄞" };
    const body = serialiseEnvelope(meta, {
      eventType: "issues",
      deliveryKey: "d-1",
      payload,
      payloadJson: JSON.stringify(payload),
    });
    expect(body).not.toMatch(/[\uFFFE\uFFFF\uD800-\uDFFF]/);
    const parsed = parseEnvelope(body);
    expect(parsed.ok && (parsed.envelope.payload as { text: string }).text).toBe(payload.text);
  });

  it("reports bodies that are not JSON or not an envelope, without throwing", () => {
    expect(parseEnvelope("nope")).toMatchObject({ ok: false, problem: expect.stringMatching(/not JSON/) });
    expect(parseEnvelope('{"v":3}')).toMatchObject({
      ok: false,
      problem: expect.stringMatching(/not a v1 or v2 envelope/),
    });
    expect(parseEnvelope(JSON.stringify({ ...meta, payload: {}, extra: 1 })).ok).toBe(false);
  });
});

describe("v2 envelopes: the payload stored apart", () => {
  const meta = envelopeMeta({ eventType: "issues", deliveryKey: "d-1", payload: {} }, ctx);
  const ref = payloadRef("payload-bucket", "payloads/2024/06/01/x.json", Buffer.from('{"a":1}'));

  it("carry payload_ref instead of payload, and parse back", () => {
    const body = serialiseRefEnvelope(meta, ref);
    const parsed = parseEnvelope(body);
    expect(parsed).toEqual({ ok: true, envelope: { ...meta, v: 2, payload_ref: ref } });
    expect(JSON.parse(body)).not.toHaveProperty("payload");
  });

  it("are refused with a payload, without a ref, or with a malformed ref; v1 is refused with a ref", () => {
    const v2 = { ...meta, v: 2, payload_ref: ref };
    const problemOf = (value: unknown) => {
      const parsed = parseEnvelope(JSON.stringify(value));
      return parsed.ok ? "accepted" : parsed.problem;
    };
    expect(problemOf({ ...v2, payload: {} })).toMatch(/v2 envelope carries `payload_ref` instead/);
    expect(problemOf({ ...meta, v: 2 })).toMatch(/not a v1 or v2 envelope/);
    expect(problemOf({ ...meta, payload: {}, payload_ref: ref })).toMatch(/v1 envelope carries `payload`/);
    expect(problemOf({ ...v2, payload_ref: { ...ref, sha256: "nope" } })).toMatch(/payload_ref/);
    expect(problemOf({ ...v2, payload_ref: { ...ref, extra: 1 } })).toMatch(/payload_ref/);
  });
});
