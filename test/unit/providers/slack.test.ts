import { describe, expect, it } from "vitest";
import { lowerCaseHeaders, type WebhookRequest } from "../../../shared/http/webhook-request";
import type { RouteMatch, WebhookEvent } from "../../../shared/providers/provider";
import { signSlack, slack } from "../../../shared/providers/slack";
import {
  samplePayloads,
  signedSlackCommandRequest,
  signedSlackInteractionRequest,
  signedSlackRequest,
  slackSignature,
  TEST_SECRETS,
} from "../../support/signed-requests";

// Slack's documented example (PROVIDERS.md).
const DOC = {
  secret: "8f742231b10e8888abcd99yyyzzz85a5",
  timestamp: "1531420618",
  body: "token=xyzz0WbapA4vBCDEFasx0q6G&team_id=T1DC2JH3J&team_domain=testteamnow&channel_id=G8PSS9T3V&channel_name=foobar&user_id=U2CERLKJA&user_name=roadrunner&command=%2Fwebhook-collect&text=&response_url=https%3A%2F%2Fhooks.slack.com%2Fcommands%2FT1DC2JH3J%2F397700885554%2F96rGlfmibIGlgcZRskXaIFfN&trigger_id=398738663015.47445629121.803a0bc887a14d10d2c447fce8b6703c",
  signature: "v0=a2114d57b48eac39b9ad189dd8316235a7b4a8d21a10bd27519666489c69b503",
};
const docNow = new Date(Number(DOC.timestamp) * 1000);
const route: RouteMatch = { provider: "slack", route: "/webhooks/slack/events" };

function request(headers: Record<string, string>, body: string | Buffer): WebhookRequest {
  return {
    method: "POST",
    path: "/webhooks/slack/events",
    headers: lowerCaseHeaders(headers),
    rawBody: typeof body === "string" ? Buffer.from(body) : body,
    requestId: "req-1",
    receivedAt: docNow,
  };
}

const docRequest = (headers: Record<string, string> = {}, body = DOC.body) =>
  request(
    {
      "Content-Type": "application/x-www-form-urlencoded",
      "X-Slack-Request-Timestamp": DOC.timestamp,
      "X-Slack-Signature": DOC.signature,
      ...headers,
    },
    body,
  );

const eventsOf = (outcome: ReturnType<typeof slack.parse>): WebhookEvent[] => {
  expect(outcome.kind).toBe("events");
  return outcome.kind === "events" ? outcome.events : [];
};

describe("slack.verify", () => {
  it("reproduces and accepts Slack's documented example", () => {
    expect(signSlack(DOC.secret, DOC.timestamp, DOC.body)).toBe(DOC.signature);
    expect(slackSignature(DOC.secret, DOC.timestamp, DOC.body)).toBe(DOC.signature);
    expect(slack.verify(docRequest(), [DOC.secret], docNow)).toEqual({ ok: true });
  });

  it("finds the headers whatever their case (X-Slack-Signature vs x-slack-signature)", () => {
    const upper = request(
      { "X-SLACK-SIGNATURE": DOC.signature, "X-Slack-Request-Timestamp": DOC.timestamp },
      DOC.body,
    );
    const lower = request(
      { "x-slack-signature": DOC.signature, "x-slack-request-timestamp": DOC.timestamp },
      DOC.body,
    );
    expect(slack.verify(upper, [DOC.secret], docNow).ok).toBe(true);
    expect(slack.verify(lower, [DOC.secret], docNow).ok).toBe(true);
  });

  it("refuses a tampered body", () => {
    const result = slack.verify(
      docRequest({}, DOC.body.replace("roadrunner", "coyote")),
      [DOC.secret],
      docNow,
    );
    expect(result).toEqual({ ok: false, problem: expect.stringMatching(/does not match/), mismatch: true });
  });

  it("refuses a tampered timestamp even within the window", () => {
    const ts = String(Number(DOC.timestamp) + 1);
    expect(slack.verify(docRequest({ "X-Slack-Request-Timestamp": ts }), [DOC.secret], docNow).ok).toBe(
      false,
    );
  });

  it("refuses the wrong secret", () => {
    expect(slack.verify(docRequest(), ["another-signing-secret"], docNow).ok).toBe(false);
  });

  it("accepts either of two active secrets (rotation)", () => {
    expect(slack.verify(docRequest(), ["new-secret", DOC.secret], docNow).ok).toBe(true);
    expect(slack.verify(docRequest(), [DOC.secret, "new-secret"], docNow).ok).toBe(true);
  });

  it("accepts up to 5 minutes of skew either way and refuses beyond", () => {
    const at = (offset: number) => new Date(docNow.getTime() + offset * 1000);
    expect(slack.verify(docRequest(), [DOC.secret], at(300)).ok).toBe(true);
    expect(slack.verify(docRequest(), [DOC.secret], at(-300)).ok).toBe(true);
    expect(slack.verify(docRequest(), [DOC.secret], at(301))).toEqual({
      ok: false,
      problem: expect.stringMatching(/X-Slack-Request-Timestamp is 301 s away/),
    });
    expect(slack.verify(docRequest(), [DOC.secret], at(-301)).ok).toBe(false);
  });

  it("names a missing signature or timestamp header", () => {
    const noSig = request({ "X-Slack-Request-Timestamp": DOC.timestamp }, DOC.body);
    const noTs = request({ "X-Slack-Signature": DOC.signature }, DOC.body);
    expect(slack.verify(noSig, [DOC.secret], docNow)).toEqual({
      ok: false,
      problem: "missing X-Slack-Signature header",
    });
    expect(slack.verify(noTs, [DOC.secret], docNow)).toEqual({
      ok: false,
      problem: "missing X-Slack-Request-Timestamp header",
    });
  });

  it("refuses malformed headers", () => {
    expect(
      slack.verify(docRequest({ "X-Slack-Signature": DOC.signature.slice(3) }), [DOC.secret], docNow),
    ).toEqual({
      ok: false,
      problem: "X-Slack-Signature must look like v0=<hex>",
    });
    expect(slack.verify(docRequest({ "X-Slack-Signature": "v0=" }), [DOC.secret], docNow).ok).toBe(false);
    // The right digest with a character appended, cut short, or a digit made non-hex (which a lenient
    // hex decoder would drop) is no signature.
    for (const forged of [
      `${DOC.signature}0`,
      DOC.signature.slice(0, -1),
      `${DOC.signature.slice(0, -1)}g`,
    ]) {
      expect(slack.verify(docRequest({ "X-Slack-Signature": forged }), [DOC.secret], docNow)).toEqual({
        ok: false,
        problem: expect.stringMatching(/does not match/),
      });
    }
    expect(
      slack.verify(docRequest({ "X-Slack-Request-Timestamp": "yesterday" }), [DOC.secret], docNow),
    ).toEqual({
      ok: false,
      problem: expect.stringMatching(/unix timestamp/),
    });
  });

  it("verifies the exact bytes of a non-ASCII body", () => {
    const now = new Date();
    const body = Buffer.from(JSON.stringify(samplePayloads.slackMessage("Привет, café ☕ 🔥")), "utf8");
    const ts = String(Math.floor(now.getTime() / 1000));
    const req = request(
      { "x-slack-signature": slackSignature("s", ts, body), "x-slack-request-timestamp": ts },
      body,
    );
    expect(slack.verify(req, ["s"], now).ok).toBe(true);
    // The same text re-encoded as Latin-1 (what an 'ascii'/'latin1' decode would give) no longer verifies.
    const mangled = { ...req, rawBody: Buffer.from(body.toString("latin1"), "utf8") };
    expect(slack.verify(mangled, ["s"], now).ok).toBe(false);
  });
});

describe("slack.parse: Events API", () => {
  it("queues an event_callback with event_id as delivery key and the event type", () => {
    const payload = samplePayloads.slackMessage("hello", "Ev123");
    const req = signedSlackRequest({ body: JSON.stringify(payload) });
    const [event] = eventsOf(slack.parse(req, route));
    expect(event).toEqual({
      eventType: "message",
      deliveryKey: "Ev123",
      payload,
      payloadText: JSON.stringify(payload),
    });
  });

  it("accepts application/json with a charset parameter", () => {
    const req = signedSlackRequest({ contentType: "application/json; charset=utf-8" });
    expect(slack.parse(req, route).kind).toBe("events");
  });

  it("answers url_verification with the challenge, without queueing", () => {
    const body = JSON.stringify({
      type: "url_verification",
      challenge: "3eZbrw1aBm2rZgRNFdxV2595E9CY3gmdALWMmHkvFXO7tYXAYM8P",
      token: "t",
    });
    expect(slack.parse(signedSlackRequest({ body }), route)).toEqual({
      kind: "respond",
      reason: "slack url_verification",
      body: { challenge: "3eZbrw1aBm2rZgRNFdxV2595E9CY3gmdALWMmHkvFXO7tYXAYM8P" },
    });
  });

  it("ignores messages from bots (bot_id or subtype bot_message)", () => {
    for (const event of [
      { type: "message", channel: "C1", bot_id: "B123", text: "agent reply" },
      { type: "message", channel: "C1", subtype: "bot_message", text: "agent reply" },
    ]) {
      const body = JSON.stringify({ type: "event_callback", event_id: "Ev1", event });
      expect(slack.parse(signedSlackRequest({ body }), route)).toEqual({
        kind: "ignore",
        reason: "message from a bot",
      });
    }
  });

  it("marks retries with their number and reason", () => {
    const req = signedSlackRequest({
      headers: { "x-slack-retry-num": "2", "x-slack-retry-reason": "http_timeout" },
    });
    const [event] = eventsOf(slack.parse(req, route));
    expect(event!.retry).toEqual({ num: 2, reason: "http_timeout" });
  });

  it("does not mark a first delivery, and ignores a retry number that is not a small count", () => {
    expect(eventsOf(slack.parse(signedSlackRequest(), route))[0]!.retry).toBeUndefined();
    for (const num of ["abc", "-1", "1.5", "99999999999999999999"]) {
      const req = signedSlackRequest({ headers: { "x-slack-retry-num": num } });
      expect(eventsOf(slack.parse(req, route))[0]!.retry).toBeUndefined();
    }
  });

  it("falls back to a content hash when event_id is missing", () => {
    const body = JSON.stringify({ type: "event_callback", event: { type: "app_mention", channel: "C1" } });
    const [event] = eventsOf(slack.parse(signedSlackRequest({ body }), route));
    expect(event!.deliveryKey).toMatch(/^sha256:[0-9a-f]{64}$/);
  });

  it("ignores callback types that are not events", () => {
    const body = JSON.stringify({ type: "app_rate_limited", minute_rate_limited: 1 });
    expect(slack.parse(signedSlackRequest({ body }), route)).toMatchObject({ kind: "ignore" });
  });

  it.each([
    ["", /empty/],
    ["{not json", /not valid JSON/],
    ["[1,2]", /must be a JSON object/],
    ['{"type":"event_callback","event":"x"}', /no `event` object/],
  ])("refuses body %j with 400", (body, problem) => {
    expect(slack.parse(signedSlackRequest({ body }), route)).toMatchObject({
      kind: "invalid",
      statusCode: 400,
      problem: expect.stringMatching(problem),
    });
  });

  it.each([["text/plain"], ["application/xml"], [null]])(
    "refuses content type %j with 415",
    (contentType) => {
      expect(slack.parse(signedSlackRequest({ contentType }), route)).toMatchObject({
        kind: "invalid",
        statusCode: 415,
      });
    },
  );
});

describe("slack.parse: interactions and slash commands", () => {
  const interactionsRoute: RouteMatch = { provider: "slack", route: "/webhooks/slack/interactions" };

  it("parses the payload field of an interaction, with trigger_id as delivery key", () => {
    const payload = {
      type: "block_actions",
      trigger_id: "111.222.abc",
      channel: { id: "C9" },
      text: "naïve ☃ 🔥",
      actions: [{ action_ts: "1.2" }],
    };
    const [event] = eventsOf(slack.parse(signedSlackInteractionRequest(payload), interactionsRoute));
    expect(event).toEqual({
      eventType: "block_actions",
      deliveryKey: "111.222.abc",
      payload,
      payloadText: JSON.stringify(payload),
    });
  });

  it("keeps the payload field's text exactly as Slack wrote it: spacing, key order, big integers", () => {
    const text =
      '{ "type":"block_actions" ,"trigger_id": "1.2.3", "n": 12345678901234567890, "s": "🔥\uFFFE" }';
    const req = signedSlackInteractionRequest(undefined, {
      body: new URLSearchParams({ payload: text }).toString(),
    });
    const [event] = eventsOf(slack.parse(req, interactionsRoute));
    expect(event!.payloadText).toBe(text);
    expect(event!.payload).toEqual(JSON.parse(text));
  });

  it("falls back to the action's action_ts, then the message ts, for the delivery key", () => {
    const byAction = { type: "block_actions", actions: [{ action_ts: "1700000000.123" }] };
    const byMessage = { type: "block_actions", container: { message_ts: "1700000000.999" } };
    expect(
      eventsOf(slack.parse(signedSlackInteractionRequest(byAction), interactionsRoute))[0]!.deliveryKey,
    ).toBe("1700000000.123");
    expect(
      eventsOf(slack.parse(signedSlackInteractionRequest(byMessage), interactionsRoute))[0]!.deliveryKey,
    ).toBe("1700000000.999");
  });

  it("parses a slash command's top-level fields, with trigger_id as delivery key", () => {
    const fields = { command: "/incident", text: "db down", channel_id: "C42", trigger_id: "9.9.9" };
    const [event] = eventsOf(slack.parse(signedSlackCommandRequest(fields), interactionsRoute));
    expect(event).toEqual({
      eventType: "slash_command",
      deliveryKey: "9.9.9",
      payload: fields,
      // No JSON was sent: the fields' own JSON is the payload's text.
      payloadText: JSON.stringify(fields),
    });
  });

  it("parses Slack's documented slash command", () => {
    const req = signedSlackCommandRequest(undefined, { body: DOC.body });
    const [event] = eventsOf(slack.parse(req, interactionsRoute));
    expect(event!.payload).toMatchObject({ command: "/webhook-collect", channel_id: "G8PSS9T3V", text: "" });
    expect(event!.deliveryKey).toBe("398738663015.47445629121.803a0bc887a14d10d2c447fce8b6703c");
  });

  it("answers ssl_check without queueing", () => {
    const req = signedSlackCommandRequest(undefined, { body: "ssl_check=1&token=abc" });
    expect(slack.parse(req, interactionsRoute)).toEqual({ kind: "ignore", reason: "slack ssl_check" });
  });

  it("marks retried interactions", () => {
    const req = signedSlackInteractionRequest(undefined, { headers: { "x-slack-retry-num": "1" } });
    expect(eventsOf(slack.parse(req, interactionsRoute))[0]!.retry).toEqual({ num: 1 });
  });

  it("accepts form content with a charset parameter", () => {
    const req = signedSlackInteractionRequest(undefined, {
      contentType: "application/x-www-form-urlencoded; charset=utf-8",
    });
    expect(slack.parse(req, interactionsRoute).kind).toBe("events");
  });

  it("refuses a payload field that is not JSON, and a form with neither payload nor command", () => {
    const badPayload = signedSlackCommandRequest(undefined, { body: "payload=%7Bnot-json" });
    expect(slack.parse(badPayload, interactionsRoute)).toMatchObject({
      kind: "invalid",
      statusCode: 400,
      problem: expect.stringMatching(/form field `payload` is not valid JSON/),
    });
    const neither = signedSlackCommandRequest(undefined, { body: "a=1&b=2" });
    expect(slack.parse(neither, interactionsRoute)).toMatchObject({ kind: "invalid", statusCode: 400 });
  });

  it("takes either body on either Slack route", () => {
    const json = signedSlackRequest({ path: "/webhooks/slack/interactions" });
    expect(slack.parse(json, interactionsRoute).kind).toBe("events");
  });

  it("signs and verifies the form body on its exact bytes", () => {
    const req = signedSlackInteractionRequest({ type: "view_submission", trigger_id: "t", text: "€ 🔥" });
    expect(slack.verify(req, [TEST_SECRETS.slack], req.receivedAt).ok).toBe(true);
  });
});
