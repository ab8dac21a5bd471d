import { describe, expect, it } from "vitest";
import {
  ENVELOPE_VERSION,
  type Envelope,
  envelopeMeta,
  inlinePayloadText,
  LEGACY_ENVELOPE_VERSION,
  PAYLOAD_REF_ENVELOPE_VERSION,
  parseEnvelope,
  RAW_PAYLOAD_ENVELOPE_VERSION,
  serialiseEnvelope,
  serialiseRefEnvelope,
} from "../../../shared/envelope/envelope";
import { toSqsSafeJson } from "../../../shared/envelope/sqs-safe-json";
import { payloadRef } from "../../../shared/payloads/payload-ref";
import type { WebhookEvent } from "../../../shared/providers/provider";

// biome-ignore lint/suspicious/noControlCharactersInRegex: fauxqs's allowed characters (no astral range)
const REFUSED_BY_FAUXQS = /[^\x09\x0A\x0D\x20-\uD7FF\uE000-\uFFFD]/;

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
  it("builds the envelope metadata, carrying only forwarded headers", () => {
    const event: WebhookEvent = {
      eventType: "issues",
      action: "labeled",
      deliveryKey: "d-1",
      payload: {},
      payloadText: "{}",
    };
    expect(envelopeMeta(event, ctx)).toEqual({
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
      {
        eventType: "x",
        deliveryKey: "k",
        payload: {},
        payloadText: "{}",
        retry: { num: 1, reason: "http_timeout" },
      },
      { ...ctx, route: { provider: "generic", route: "/webhooks/generic/{source}", source: "datadog" } },
    );
    expect(meta).toMatchObject({ source: "datadog", retry: { num: 1, reason: "http_timeout" } });
  });

  it("refuses an empty delivery key or event type", () => {
    expect(() =>
      envelopeMeta({ eventType: "x", deliveryKey: "", payload: {}, payloadText: "{}" }, ctx),
    ).toThrow();
    expect(() =>
      envelopeMeta({ eventType: "", deliveryKey: "k", payload: {}, payloadText: "{}" }, ctx),
    ).toThrow();
  });

  it("refuses a retry count that is no integer of at least 0, and an identifier that is no string", () => {
    const base: WebhookEvent = { eventType: "x", deliveryKey: "k", payload: {}, payloadText: "{}" };
    for (const num of [-1, 1.5, Number.NaN]) {
      expect(() => envelopeMeta({ ...base, retry: { num } }, ctx)).toThrow();
    }
    const identifiers = { service: 42 } as unknown as Record<string, string>;
    expect(() => envelopeMeta({ ...base, identifiers }, ctx)).toThrow();
    expect(envelopeMeta({ ...base, retry: { num: 0 } }, ctx).retry).toEqual({ num: 0 });
  });
});

const event: WebhookEvent = { eventType: "issues", deliveryKey: "d-1", payload: {}, payloadText: "{}" };
const meta = envelopeMeta(event, ctx);

/** The envelope a body parses to; fails the test when it is refused. */
function parsed(body: string): Envelope {
  const result = parseEnvelope(body);
  if (!result.ok) throw new Error(result.problem);
  return result.envelope;
}

const problemOf = (value: unknown) => {
  const result = parseEnvelope(typeof value === "string" ? value : JSON.stringify(value));
  return result.ok ? "accepted" : result.problem;
};

const nested = (depth: number) => `${'{"a":['.repeat(depth)}1${"]}".repeat(depth)}`;

describe("v4 envelopes: the payload's text as sent, unescaped", () => {
  it.each([
    ["a number beyond 2^53, odd spacing and key order", '{ "z" : 1,  "n": 12345678901234567890 ,"a":[ ] }'],
    ["line breaks, tabs and non-ASCII text", '{\n\t"t": "Zoë Müller ✅ \u00e9",\r\n "q": "\\"" }'],
    ["escapes spelled as the sender spelled them", '{"t":"\\u00e9 \\ud83d\\udd25 \\" \\\\"}'],
    ["5,000-deep nesting", nested(5_000)],
    ["text that is not even an object", "[1, 2.50]"],
    ["emoji, U+FFFE and U+FFFF, which the queue refuses raw", '{"text":"🔥 fire \uFFFE\uFFFF 𝄞 \u{10FFFF}"}'],
    ["a refused character beside an escape the sender wrote", '{"t":"\\ud83d\\udd25🔥\\u00e9\uFFFF"}'],
  ])("round-trip %s exactly, in a body the queue accepts", (_, payloadText) => {
    for (const body of [
      serialiseEnvelope(meta, payloadText),
      serialiseEnvelope(meta, payloadText, Buffer.from(payloadText, "utf8")),
    ]) {
      expect(body).not.toMatch(REFUSED_BY_FAUXQS);
      const envelope = parsed(body);
      expect(envelope).toEqual({ ...meta, v: RAW_PAYLOAD_ENVELOPE_VERSION, payload_text: payloadText });
      expect(inlinePayloadText(envelope)).toBe(payloadText);
    }
  });

  it("carry the text as it is, as the value of `payload`, the metadata after it: one JSON document", () => {
    const text = '{"a" : "\\"1\\"", "n": 12345678901234567890}';
    const body = serialiseEnvelope(meta, text);
    expect(body).toBe(
      `{"payload":${text},${JSON.stringify({ v: RAW_PAYLOAD_ENVELOPE_VERSION, ...meta }).slice(1)}`,
    );
    expect(JSON.parse(body)).toMatchObject({
      v: RAW_PAYLOAD_ENVELOPE_VERSION,
      id: meta.id,
      payload: { a: '"1"' },
    });
  });

  it("write a character the queue refuses as its escapes, and list where in the text they begin", () => {
    const body = serialiseEnvelope(meta, '{"a" : "🔥"}');
    expect(body).toBe(
      `{"payload":{"a" : "\\ud83d\\udd25"},${JSON.stringify({ v: RAW_PAYLOAD_ENVELOPE_VERSION, ...meta, escaped_at: [8, 14] }).slice(1)}`,
    );
    expect(JSON.parse(body).payload).toEqual({ a: "🔥" });
  });

  it("find their metadata after any payload, whatever the payload holds", () => {
    const text = `{"x": ",\\"v\\":4,", "y": [",\\"v\\":4,\\"id\\":\\""]}`;
    expect(parsed(serialiseEnvelope(meta, text))).toMatchObject({ id: meta.id, payload_text: text });
  });

  it("are refused without their metadata, with payload_text in it, or with wrong escape positions", () => {
    const tail = JSON.stringify({ v: RAW_PAYLOAD_ENVELOPE_VERSION, ...meta }).slice(1);
    const withEscapes = (escapedAt: unknown) =>
      `{"payload":{"a":"\\ud83d\\udd25"},${JSON.stringify({ v: 4, ...meta, escaped_at: escapedAt }).slice(1)}`;
    expect(problemOf('{"payload":{}}')).toMatch(/no metadata after its payload/);
    expect(
      problemOf(`{"payload":{},${JSON.stringify({ v: 4, ...meta, payload_text: "{}" }).slice(1)}`),
    ).toMatch(/must not hold `payload_text`/);
    expect(problemOf(`{"payload":{},${tail.slice(0, -1)}`)).toMatch(/not JSON/);
    expect(problemOf(`{"payload":{},${JSON.stringify({ v: 4, ...meta, extra: 1 }).slice(1)}`)).toMatch(
      /not a v4/,
    );
    expect(parsed(withEscapes([6, 12]))).toMatchObject({ payload_text: '{"a":"🔥"}' });
    for (const wrong of [[12, 6], [5], [6, 13], [1.5], ["6"], 6]) {
      expect(problemOf(withEscapes(wrong)), JSON.stringify(wrong)).toMatch(/`escaped_at` must list/);
    }
    // An escape of a character the queue takes raw is not one ingest writes.
    expect(problemOf(`{"payload":{"a":"\\u0041"},${tail.slice(0, -1)},"escaped_at":[6]}`)).toMatch(
      /escaped_at/,
    );
  });

  it("are refused without payload_text, with a non-string one, or with a v1 payload beside it (v3)", () => {
    const v3 = { v: ENVELOPE_VERSION, ...meta };
    expect(problemOf(v3)).toMatch(/not a v4, v3, v2 or v1 envelope[\s\S]*payload_text/);
    expect(problemOf({ ...v3, payload_text: { a: 1 } })).toMatch(/payload_text/);
    expect(problemOf({ ...v3, payload_text: "{}", payload: {} })).toMatch(/payload/);
  });
});

describe("v3 envelopes: queued by an older deployment", () => {
  it("still parse, the payload's text read from its JSON string", () => {
    const payloadText = '{"t" : "🔥\uFFFE", "n": 12345678901234567890}';
    const v3 = toSqsSafeJson(JSON.stringify({ v: ENVELOPE_VERSION, ...meta, payload_text: payloadText }));
    expect(v3).not.toMatch(REFUSED_BY_FAUXQS);
    const envelope = parsed(v3);
    expect(envelope).toEqual({ v: ENVELOPE_VERSION, ...meta, payload_text: payloadText });
    expect(inlinePayloadText(envelope)).toBe(payloadText);
  });
});

describe("parseEnvelope", () => {
  it("reports bodies that are not JSON, not an envelope or of an unknown version, without throwing", () => {
    expect(problemOf("nope")).toMatch(/not JSON/);
    expect(problemOf({ v: 5 })).toMatch(
      /not a v4, v3, v2 or v1 envelope[\s\S]*`v` is not one of v4, v3, v2 or v1/,
    );
    expect(problemOf({ v: ENVELOPE_VERSION, ...meta, payload_text: "{}", extra: 1 })).toMatch(/not a v4/);
    expect(problemOf([])).toMatch(/not a v4/);
  });

  it("never throws or overflows, however deep the message body nests", () => {
    const deep = "[".repeat(1_000_000) + "]".repeat(1_000_000);
    expect(problemOf(deep)).toMatch(/not a v4/);
    expect(problemOf(`{"v":1,"payload":${deep}}`)).toMatch(/not a v4/);
    const legacyDeep = `${JSON.stringify({ ...meta, v: 1 }).slice(0, -1)},"payload":${nested(100_000)}}`;
    expect(problemOf(legacyDeep)).toMatch(/nested too deeply to be serialised/);
  });
});

describe("v1 envelopes: queued by an older deployment", () => {
  const legacy = { ...meta, v: LEGACY_ENVELOPE_VERSION, payload: { b: [1, "x"], t: "🔥" } };

  it("still parse, their payload read as its JSON text", () => {
    const envelope = parsed(JSON.stringify(legacy));
    expect(envelope).toEqual(legacy);
    expect(inlinePayloadText(envelope)).toBe('{"b":[1,"x"],"t":"🔥"}');
  });

  it("are refused without their payload", () => {
    const { payload: _, ...withoutPayload } = legacy;
    expect(problemOf(withoutPayload)).toMatch(/payload/);
  });
});

describe("v2 envelopes: the payload stored apart", () => {
  const ref = payloadRef("payload-bucket", "payloads/2024/06/01/x.json", Buffer.from('{"a":1}'));

  it("carry payload_ref instead of the payload, and parse back without inline text", () => {
    const body = serialiseRefEnvelope(meta, ref);
    const envelope = parsed(body);
    expect(envelope).toEqual({ ...meta, v: PAYLOAD_REF_ENVELOPE_VERSION, payload_ref: ref });
    expect(inlinePayloadText(envelope)).toBeUndefined();
    expect(JSON.parse(body)).not.toHaveProperty("payload_text");
  });

  it("are refused with an inline payload, without a ref, or with a malformed ref", () => {
    const v2 = { v: 2, ...meta, payload_ref: ref };
    expect(problemOf({ ...v2, payload_text: "{}" })).toMatch(/payload_text/);
    expect(problemOf({ ...v2, payload: {} })).toMatch(/payload/);
    expect(problemOf({ ...meta, v: 2 })).toMatch(/payload_ref/);
    expect(problemOf({ v: ENVELOPE_VERSION, ...meta, payload_text: "{}", payload_ref: ref })).toMatch(
      /payload_ref/,
    );
    expect(problemOf({ ...v2, payload_ref: { ...ref, sha256: "nope" } })).toMatch(/payload_ref/);
    expect(problemOf({ ...v2, payload_ref: { ...ref, extra: 1 } })).toMatch(/payload_ref/);
  });
});
