import { createHash } from "node:crypto";
import { afterEach, describe, expect, it, vi } from "vitest";
import { pagerduty } from "../../../shared/providers/pagerduty";
import type { RouteMatch } from "../../../shared/providers/provider";
import {
  hexBodySignature,
  samplePayloads,
  signedPagerDutyRequest,
  TEST_SECRETS,
} from "../../support/signed-requests";

const route: RouteMatch = { provider: "pagerduty", route: "/webhooks/pagerduty" };
const now = new Date();

afterEach(() => {
  vi.unstubAllEnvs();
});

describe("pagerduty.verify", () => {
  it("accepts one v1= signature computed independently", () => {
    expect(pagerduty.verify(signedPagerDutyRequest(), [TEST_SECRETS.pagerduty], now)).toEqual({ ok: true });
  });

  it("accepts several comma-separated v1= signatures when one matches (sender rotating)", () => {
    const req = signedPagerDutyRequest({ signingSecrets: ["retired-secret", TEST_SECRETS.pagerduty] });
    expect(req.headers["x-pagerduty-signature"]!.split(",")).toHaveLength(2);
    expect(pagerduty.verify(req, [TEST_SECRETS.pagerduty], now).ok).toBe(true);
  });

  it("accepts the new secret among two configured ones (receiver rotating)", () => {
    const req = signedPagerDutyRequest({ secret: "new-secret" });
    expect(pagerduty.verify(req, [TEST_SECRETS.pagerduty, "new-secret"], now).ok).toBe(true);
  });

  it("refuses when no entry matches, a tampered body and a missing header", () => {
    const req = signedPagerDutyRequest({ signingSecrets: ["a", "b"] });
    expect(pagerduty.verify(req, [TEST_SECRETS.pagerduty], now).ok).toBe(false);
    const good = signedPagerDutyRequest();
    expect(pagerduty.verify({ ...good, rawBody: Buffer.from("{}") }, [TEST_SECRETS.pagerduty], now).ok).toBe(
      false,
    );
    expect(
      pagerduty.verify(
        signedPagerDutyRequest({ headers: { "x-pagerduty-signature": undefined } }),
        [TEST_SECRETS.pagerduty],
        now,
      ),
    ).toEqual({ ok: false, problem: "missing X-PagerDuty-Signature header" });
  });

  it("refuses a sha256= signature (GitHub's format) as malformed", () => {
    const req = signedPagerDutyRequest({
      body: "{}",
      headers: { "x-pagerduty-signature": hexBodySignature(TEST_SECRETS.pagerduty, "{}") },
    });
    expect(pagerduty.verify(req, [TEST_SECRETS.pagerduty], now)).toEqual({
      ok: false,
      problem: expect.stringMatching(/must look like v1=/),
    });
  });
});

describe("pagerduty.parse", () => {
  it("queues a V3 event with event.id as delivery key and event.event_type", () => {
    const payload = samplePayloads.pagerdutyIncident("01DEF456");
    const req = signedPagerDutyRequest({ body: JSON.stringify(payload) });
    expect(pagerduty.parse(req, route)).toEqual({
      kind: "events",
      events: [
        {
          eventType: "incident.triggered",
          deliveryKey: "01DEF456",
          payload,
          payloadText: JSON.stringify(payload),
        },
      ],
    });
  });

  it("falls back to X-Webhook-Id when the event has no id", () => {
    const body = JSON.stringify({ event: { event_type: "incident.acknowledged" } });
    const req = signedPagerDutyRequest({ body, headers: { "x-webhook-id": "hook-delivery-1" } });
    expect(pagerduty.parse(req, route)).toMatchObject({ events: [{ deliveryKey: "hook-delivery-1" }] });
  });

  it("turns a V2 body into one event per message", () => {
    const payload = samplePayloads.pagerdutyV2();
    const outcome = pagerduty.parse(signedPagerDutyRequest({ body: JSON.stringify(payload) }), route);
    expect(outcome).toEqual({
      kind: "events",
      events: [
        {
          eventType: "incident.trigger",
          deliveryKey: "msg-1",
          payload: payload.messages[0],
          payloadText: JSON.stringify(payload.messages[0]),
        },
        {
          eventType: "incident.resolve",
          deliveryKey: "msg-2",
          payload: payload.messages[1],
          payloadText: JSON.stringify(payload.messages[1]),
        },
      ],
    });
  });

  it("gives each V2 message its own text of the body, exactly as written", () => {
    const first =
      '{ "id" : "m-1", "event":"incident.trigger",\n  "log_entries": [ { "n": 12345678901234567890 } ] }';
    const second = '{"event": "incident.resolve", "id": "m-2", "note": "🔥 \\"quoted]}\\" \uFFFE"}';
    const body = `{"messages":[\n  ${first} ,\t${second}\n], "after": {"messages": []}}`;
    const outcome = pagerduty.parse(signedPagerDutyRequest({ body }), route);
    const events = outcome.kind === "events" ? outcome.events : [];
    expect(events.map((e) => e.payloadText)).toEqual([first, second]);
    expect(events.map((e) => e.payload)).toEqual(JSON.parse(body).messages);
    expect(events.map((e) => e.deliveryKey)).toEqual(["m-1", "m-2"]);
  });

  it("keys a V2 message without id on its content, distinct per message", () => {
    const body = JSON.stringify({
      messages: [
        { event: "incident.trigger", n: 1 },
        { event: "incident.trigger", n: 2 },
      ],
    });
    const outcome = pagerduty.parse(signedPagerDutyRequest({ body }), route);
    const keys = outcome.kind === "events" ? outcome.events.map((e) => e.deliveryKey) : [];
    expect(keys).toHaveLength(2);
    expect(keys[0]).toMatch(/^sha256:/);
    expect(keys[0]).not.toBe(keys[1]);
    // The hash of the message's own text, so an exact redelivery gets the same key.
    expect(keys[0]).toBe(
      `sha256:${createHash("sha256").update('{"event":"incident.trigger","n":1}').digest("hex")}`,
    );
  });

  it("ignores an empty V2 messages list and refuses non-object messages", () => {
    expect(pagerduty.parse(signedPagerDutyRequest({ body: '{"messages":[]}' }), route)).toMatchObject({
      kind: "ignore",
    });
    expect(pagerduty.parse(signedPagerDutyRequest({ body: '{"messages":[1]}' }), route)).toMatchObject({
      kind: "invalid",
      statusCode: 400,
    });
  });

  it("refuses V2 bodies when PAGERDUTY_ACCEPT_V2=false", () => {
    vi.stubEnv("PAGERDUTY_ACCEPT_V2", "false");
    const body = JSON.stringify(samplePayloads.pagerdutyV2());
    expect(pagerduty.parse(signedPagerDutyRequest({ body }), route)).toMatchObject({
      kind: "invalid",
      statusCode: 400,
      problem: expect.stringMatching(/V2 bodies are disabled/),
    });
  });

  it("refuses a body with neither event nor messages, invalid JSON and wrong content types", () => {
    expect(pagerduty.parse(signedPagerDutyRequest({ body: '{"foo":1}' }), route)).toMatchObject({
      statusCode: 400,
    });
    expect(pagerduty.parse(signedPagerDutyRequest({ body: "nope" }), route)).toMatchObject({
      statusCode: 400,
    });
    expect(pagerduty.parse(signedPagerDutyRequest({ contentType: "text/plain" }), route)).toMatchObject({
      statusCode: 415,
    });
  });
});
