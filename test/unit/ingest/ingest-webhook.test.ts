import type { APIGatewayProxyEventV2 } from "aws-lambda";
import { describe, expect, it } from "vitest";
import {
  type Envelope,
  inlinePayloadText,
  parseEnvelope,
  RAW_PAYLOAD_ENVELOPE_VERSION,
} from "../../../shared/envelope/envelope";
import { type IngestResult, ingestWebhook } from "../../../shared/ingest/ingest-webhook";
import { PROVIDER_NAMES, type ProviderName } from "../../../shared/providers/provider";
import { QueueUnavailableError, queueMessageBytes } from "../../../shared/queue/event-queue";
import { InMemoryEventQueue, type TestIngestDeps, testIngestDeps } from "../../support/in-memory-event-queue";
import {
  apiGatewayEvent,
  samplePayloads,
  signedEventFor,
  signedGenericEvent,
  signedGithubEvent,
  signedIncidentioEvent,
  signedJiraEvent,
  signedPagerDutyEvent,
  signedSlackCommandEvent,
  signedSlackEvent,
  signedSlackInteractionEvent,
  slackSignature,
  TEST_SECRETS,
  toWebhookRequest,
  unixSeconds,
} from "../../support/signed-requests";

// biome-ignore lint/suspicious/noControlCharactersInRegex: SQS's allowed characters, named exactly
const REFUSED_BY_FAUXQS = /[^\x09\x0A\x0D\x20-\uD7FF\uE000-\uFFFD]/;

async function ingest(event: APIGatewayProxyEventV2, deps: TestIngestDeps = testIngestDeps()) {
  const result = await ingestWebhook(toWebhookRequest(event), deps);
  const envelopes = deps.queue.messages.map((m): Envelope => {
    const parsed = parseEnvelope(m.body);
    if (!parsed.ok) throw new Error(parsed.problem);
    return parsed.envelope;
  });
  return { result, queued: deps.queue.messages, envelopes };
}

/** A body each provider accepts, carrying `text` inside a string. */
function payloadWithText(name: ProviderName, text: string): unknown {
  if (name === "slack") return samplePayloads.slackMessage(text);
  if (name === "pagerduty") {
    const payload = samplePayloads.pagerdutyIncident();
    payload.event.data.title = text;
    return payload;
  }
  return { ...samplePayloads.genericAlert(), text };
}

function expectRejected(result: IngestResult, statusCode: number, problem?: RegExp) {
  expect(result.statusCode).toBe(statusCode);
  expect(result.outcome).toBe("rejected");
  expect(result.body).toEqual({ error: problem ? expect.stringMatching(problem) : expect.any(String) });
}

describe("ingestWebhook: one signed request per provider is queued", () => {
  it.each(PROVIDER_NAMES)(
    "%s: 200 accepted with the envelope id, one message with its attributes",
    async (name) => {
      const event = signedEventFor[name]({ requestId: `req-${name}` });
      const { result, queued, envelopes } = await ingest(event);
      expect(result).toMatchObject({ statusCode: 200, outcome: "accepted", provider: name });
      expect(queued).toHaveLength(1);
      const envelope = envelopes[0]!;
      expect(result.body).toEqual({ status: "accepted", id: envelope.id });
      expect(envelope).toMatchObject({
        v: RAW_PAYLOAD_ENVELOPE_VERSION,
        provider: name,
        correlation_id: `req-${name}`,
        received_at: new Date(event.requestContext.timeEpoch).toISOString(),
        payload_text: event.body,
      });
      expect(queued[0]!.attributes).toEqual({
        provider: name,
        event_type: envelope.event_type,
        delivery_key: envelope.delivery_key,
        correlation_id: `req-${name}`,
      });
      // No signature or token travels to the queue.
      expect(JSON.stringify(envelope.headers)).not.toMatch(/signature|authorization|sha256=|v0=|v1[,=]/i);
    },
  );
});

describe("ingestWebhook: Slack", () => {
  it("answers url_verification with the challenge and queues nothing", async () => {
    const body = JSON.stringify({ type: "url_verification", challenge: "c-123", token: "t" });
    const { result, queued } = await ingest(signedSlackEvent({ body }));
    expect(result).toMatchObject({ statusCode: 200, body: { challenge: "c-123" }, outcome: "handshake" });
    expect(queued).toHaveLength(0);
  });

  it("does not answer an unsigned url_verification", async () => {
    const body = JSON.stringify({ type: "url_verification", challenge: "c-123" });
    const { result } = await ingest(signedSlackEvent({ body, secret: "attacker" }));
    expectRejected(result, 401, /X-Slack-Signature does not match/);
  });

  it("answers ssl_check with 200 ignored (on the interactions route, with Bolt's empty body)", async () => {
    const { result, queued } = await ingest(
      signedSlackCommandEvent(undefined, { body: "ssl_check=1&token=x" }),
    );
    expect(result).toMatchObject({ statusCode: 200, outcome: "ignored", reason: "slack ssl_check" });
    expect(result.body).toBeUndefined();
    expect(queued).toHaveLength(0);
  });

  it("ignores the bot's own messages", async () => {
    const body = JSON.stringify({
      type: "event_callback",
      event_id: "Ev1",
      event: { type: "message", bot_id: "B1", channel: "C1", text: "agent says hi" },
    });
    const { result, queued } = await ingest(signedSlackEvent({ body }));
    expect(result).toMatchObject({
      statusCode: 200,
      body: { status: "ignored", reason: "message from a bot" },
    });
    expect(queued).toHaveLength(0);
  });

  it("queues retries marked with X-Slack-Retry-Num, keyed on event_id", async () => {
    const payload = samplePayloads.slackMessage("again", "Ev42");
    const event = signedSlackEvent({
      body: JSON.stringify(payload),
      headers: { "x-slack-retry-num": "1", "x-slack-retry-reason": "http_timeout" },
    });
    const { result, envelopes } = await ingest(event);
    expect(result.statusCode).toBe(200);
    expect(envelopes[0]).toMatchObject({
      delivery_key: "Ev42",
      event_type: "message",
      retry: { num: 1, reason: "http_timeout" },
      headers: { "x-slack-retry-num": "1", "x-slack-retry-reason": "http_timeout" },
    });
  });

  it("accepts a signed event whose retry number is absurdly large (no 500 from the envelope schema)", async () => {
    const event = signedSlackEvent({ headers: { "x-slack-retry-num": "99999999999999999999" } });
    const { result, envelopes } = await ingest(event);
    expect(result.statusCode).toBe(200);
    expect(envelopes[0]!.retry).toBeUndefined();
  });

  it("queues an interaction from its base64-encoded form body", async () => {
    const payload = { type: "block_actions", trigger_id: "tr-1", channel: { id: "C1" }, text: "ack ✅" };
    const event = signedSlackInteractionEvent(payload);
    expect(event.isBase64Encoded).toBe(true);
    const { result, envelopes } = await ingest(event);
    expect(result.statusCode).toBe(200);
    expect(envelopes[0]).toMatchObject({
      route: "/webhooks/slack/interactions",
      event_type: "block_actions",
      delivery_key: "tr-1",
      // The form field's text, not the form body.
      payload_text: JSON.stringify(payload),
    });
  });

  it("queues a slash command", async () => {
    const fields = { command: "/incident", text: "déjà vu 🔁", channel_id: "C7", trigger_id: "tr-2" };
    const { result, envelopes } = await ingest(signedSlackCommandEvent(fields));
    expect(result.statusCode).toBe(200);
    expect(envelopes[0]).toMatchObject({
      event_type: "slash_command",
      delivery_key: "tr-2",
      // Plain form fields: their JSON is the payload's text.
      payload_text: JSON.stringify(fields),
    });
  });

  it("accepts the same request whatever the header-name case (callers other than API Gateway)", async () => {
    const event = signedSlackEvent();
    const mixed = {
      ...event,
      headers: {
        "Content-Type": event.headers["content-type"],
        "X-Slack-Signature": event.headers["x-slack-signature"],
        "X-Slack-Request-Timestamp": event.headers["x-slack-request-timestamp"],
      },
    };
    const { result } = await ingest(mixed);
    expect(result.statusCode).toBe(200);
  });
});

describe("ingestWebhook: GitHub", () => {
  it("answers ping without queueing", async () => {
    const { result, queued } = await ingest(
      signedGithubEvent({ event: "ping", body: '{"zen":"Design for failure."}' }),
    );
    expect(result).toMatchObject({ statusCode: 200, body: { status: "ignored" } });
    expect(queued).toHaveLength(0);
  });

  it("keys on X-GitHub-Delivery and takes the action from the body", async () => {
    const event = signedGithubEvent({ event: "issues", delivery: "d1b2c3d4-0000-1111-2222-333344445555" });
    const { envelopes } = await ingest(event);
    expect(envelopes[0]).toMatchObject({
      event_type: "issues",
      action: "labeled",
      delivery_key: "d1b2c3d4-0000-1111-2222-333344445555",
      headers: { "x-github-event": "issues", "x-github-hook-id": "123456" },
    });
  });

  it("gives the same delivery key to a redelivery, a new envelope id each time", async () => {
    const deps = testIngestDeps();
    const delivery = "aaaaaaaa-0000-1111-2222-333344445555";
    await ingest(signedGithubEvent({ delivery }), deps);
    const { envelopes } = await ingest(signedGithubEvent({ delivery }), deps);
    expect(envelopes.map((e) => e.delivery_key)).toEqual([delivery, delivery]);
    expect(envelopes[0]!.id).not.toBe(envelopes[1]!.id);
  });
});

describe("ingestWebhook: PagerDuty, incident.io, Jira, generic", () => {
  it("PagerDuty V2: one envelope per message, all ids returned", async () => {
    const payload = samplePayloads.pagerdutyV2();
    const { result, envelopes } = await ingest(signedPagerDutyEvent({ body: JSON.stringify(payload) }));
    expect(envelopes.map((e) => [e.event_type, e.delivery_key, inlinePayloadText(e)])).toEqual([
      ["incident.trigger", "msg-1", JSON.stringify(payload.messages[0])],
      ["incident.resolve", "msg-2", JSON.stringify(payload.messages[1])],
    ]);
    expect(result.body).toEqual({
      status: "accepted",
      id: envelopes[0]!.id,
      ids: envelopes.map((e) => e.id),
    });
  });

  it("PagerDuty V3: event.id as delivery key, several v1= signatures", async () => {
    const payload = samplePayloads.pagerdutyIncident("01XYZ");
    const event = signedPagerDutyEvent({
      body: JSON.stringify(payload),
      signingSecrets: ["old", TEST_SECRETS.pagerduty],
    });
    const { envelopes } = await ingest(event);
    expect(envelopes[0]).toMatchObject({ event_type: "incident.triggered", delivery_key: "01XYZ" });
  });

  it("incident.io: webhook-id as delivery key, svix-* names accepted", async () => {
    for (const headerPrefix of ["webhook", "svix"] as const) {
      const { result, envelopes } = await ingest(
        signedIncidentioEvent({ id: `msg_${headerPrefix}`, headerPrefix }),
      );
      expect(result.statusCode).toBe(200);
      expect(envelopes[0]).toMatchObject({
        delivery_key: `msg_${headerPrefix}`,
        event_type: "public_alert.alert_created_v1",
      });
    }
  });

  it("Jira: X-Atlassian-Webhook-Identifier as delivery key", async () => {
    const { envelopes } = await ingest(signedJiraEvent({ identifier: "jira-42" }));
    expect(envelopes[0]).toMatchObject({
      event_type: "jira:issue_created",
      delivery_key: "jira-42",
      headers: { "x-atlassian-webhook-identifier": "jira-42" },
    });
  });

  it("generic: HMAC signature and bearer token, the source carried on the envelope", async () => {
    const signed = await ingest(signedGenericEvent("datadog"));
    const bearer = await ingest(signedGenericEvent("coralogix", { auth: "bearer" }));
    expect(signed.envelopes[0]).toMatchObject({ source: "datadog", route: "/webhooks/generic/{source}" });
    expect(bearer.envelopes[0]).toMatchObject({ source: "coralogix", event_type: "alert.fired" });
  });

  it("generic: an unknown source is 404 and nothing queued", async () => {
    const { result, queued } = await ingest(signedGenericEvent("splunk", { secret: "whatever" }));
    expectRejected(result, 404, /unknown generic source 'splunk'/);
    expect(queued).toHaveLength(0);
  });
});

describe("ingestWebhook: routes and methods", () => {
  it("unknown route → 404 naming the routes", async () => {
    const { result, queued } = await ingest(signedGithubEvent({ path: "/webhooks/gitlab" }));
    expectRejected(
      result,
      404,
      /no webhook route at \/webhooks\/gitlab; the routes are .*\/webhooks\/github/,
    );
    expect(queued).toHaveLength(0);
  });

  it("GET on a webhook route → 405 with Allow: POST", async () => {
    const { result } = await ingest(signedGithubEvent({ method: "GET" }));
    expectRejected(result, 405, /use POST/);
    expect(result.headers).toEqual({ allow: "POST" });
  });

  it("a function deployed for one provider answers 404 on the others' routes", async () => {
    const deps = testIngestDeps({ config: { provider: "github" } });
    expectRejected((await ingest(signedSlackEvent(), deps)).result, 404);
    expect((await ingest(signedGithubEvent(), deps)).result.statusCode).toBe(200);
  });
});

describe("ingestWebhook: signatures", () => {
  it.each(PROVIDER_NAMES)("%s: a tampered body is 401 and nothing is queued", async (name) => {
    const event = signedEventFor[name]();
    const tampered = { ...event, body: event.body!.replace(/}$/, ',"x":1}') };
    const { result, queued } = await ingest(tampered);
    expectRejected(result, 401);
    expect(queued).toHaveLength(0);
  });

  it.each(PROVIDER_NAMES)("%s: the wrong secret is 401", async (name) => {
    const { result } = await ingest(
      signedEventFor[name]({ secret: name === "incidentio" ? "whsec_d3Jvbmc=" : "wrong" }),
    );
    expectRejected(result, 401);
  });

  it.each([
    ["slack", { "x-slack-signature": undefined }, /missing X-Slack-Signature/],
    ["slack", { "x-slack-request-timestamp": undefined }, /missing X-Slack-Request-Timestamp/],
    ["slack", { "x-slack-signature": "v1=abc" }, /must look like v0=/],
    ["github", { "x-hub-signature-256": undefined }, /missing X-Hub-Signature-256/],
    ["github", { "x-hub-signature-256": "abc" }, /must look like sha256=/],
    ["pagerduty", { "x-pagerduty-signature": undefined }, /missing X-PagerDuty-Signature/],
    ["pagerduty", { "x-pagerduty-signature": "v1=zz" }, /does not match/],
    ["incidentio", { "webhook-id": undefined }, /missing webhook-id/],
    ["incidentio", { "webhook-timestamp": "soon" }, /unix timestamp/],
    ["incidentio", { "webhook-signature": "sig" }, /space-separated/],
    ["jira", { "x-hub-signature": undefined }, /missing X-Hub-Signature/],
    ["generic", { "x-webhook-signature": undefined }, /missing X-Webhook-Signature/],
  ] as const)("%s with headers %j → 401 %s", async (name, headers, problem) => {
    const { result, queued } = await ingest(signedEventFor[name]({ headers: { ...headers } }));
    expectRejected(result, 401, problem);
    expect(queued).toHaveLength(0);
  });

  describe.each([
    ["slack", (now: Date) => signedSlackEvent({ now })],
    ["incidentio", (now: Date) => signedIncidentioEvent({ now })],
  ] as const)("%s timestamps (±5 min)", (_name, sign) => {
    const signedAt = new Date("2024-06-01T12:00:00.000Z");
    const at = (seconds: number) => () => new Date(signedAt.getTime() + seconds * 1000);

    it("accepts exactly 5 minutes either way", async () => {
      for (const skew of [-300, 0, 300]) {
        const { result } = await ingest(sign(signedAt), testIngestDeps({ now: at(skew) }));
        expect(result.statusCode).toBe(200);
      }
    });

    it("refuses an expired (301 s old) and a future (301 s ahead) timestamp", async () => {
      for (const skew of [301, -301]) {
        const { result, queued } = await ingest(sign(signedAt), testIngestDeps({ now: at(skew) }));
        expectRejected(result, 401, /301 s away from the server clock/);
        expect(queued).toHaveLength(0);
      }
    });
  });

  it("rotation: with a JSON array of two secrets, requests signed with either are accepted", async () => {
    const deps = testIngestDeps({
      env: {
        SLACK_SIGNING_SECRET: '["old-slack","new-slack"]',
        GITHUB_WEBHOOK_SECRET: JSON.stringify(["old-gh", "new-gh"]),
        INCIDENTIO_WEBHOOK_SECRET: JSON.stringify([TEST_SECRETS.incidentio, "whsec_bmV3LWtleQ=="]),
        GENERIC_WEBHOOK_SECRETS: JSON.stringify({ datadog: ["old-dd", "new-dd"] }),
      },
    });
    for (const event of [
      signedSlackEvent({ secret: "old-slack" }),
      signedSlackEvent({ secret: "new-slack" }),
      signedGithubEvent({ secret: "old-gh" }),
      signedGithubEvent({ secret: "new-gh" }),
      signedIncidentioEvent(),
      signedIncidentioEvent({ secret: "whsec_bmV3LWtleQ==" }),
      signedGenericEvent("datadog", { secret: "new-dd" }),
      signedGenericEvent("datadog", { secret: "old-dd", auth: "bearer" }),
    ]) {
      expect((await ingest(event, deps)).result.statusCode).toBe(200);
    }
    expect(deps.queue.messages).toHaveLength(8);
    expectRejected((await ingest(signedSlackEvent({ secret: "older-slack" }), deps)).result, 401);
  });

  it("checks the signature before reading the body: an unsigned malformed body is 401, not 400", async () => {
    const { result } = await ingest(
      signedGithubEvent({ body: "{", headers: { "x-hub-signature-256": "sha256=00" } }),
    );
    expectRejected(result, 401);
  });
});

describe("ingestWebhook: bodies", () => {
  it.each(PROVIDER_NAMES)("%s: a signed empty body is 400", async (name) => {
    const { result, queued } = await ingest(signedEventFor[name]({ body: "" }));
    expectRejected(result, 400, /empty/);
    expect(queued).toHaveLength(0);
  });

  it.each(PROVIDER_NAMES)("%s: signed invalid JSON is 400", async (name) => {
    const { result } = await ingest(signedEventFor[name]({ body: '{"a":' }));
    expectRejected(result, 400, /not valid JSON/);
  });

  it.each(PROVIDER_NAMES)("%s: a signed body with the wrong content type is 415", async (name) => {
    const { result, queued } = await ingest(signedEventFor[name]({ contentType: "text/plain" }));
    expectRejected(result, 415, /unsupported Content-Type text\/plain/);
    expect(result).toMatchObject({ reason: "unsupported_media_type" });
    expect(queued).toHaveLength(0);
  });

  it.each(PROVIDER_NAMES)("%s: no content type is 415", async (name) => {
    const { result } = await ingest(signedEventFor[name]({ contentType: null }));
    expectRejected(result, 415, /Content-Type header is missing/);
  });

  it.each(PROVIDER_NAMES)("%s: application/json; charset=utf-8 is accepted", async (name) => {
    const { result } = await ingest(signedEventFor[name]({ contentType: "application/json; charset=utf-8" }));
    expect(result.statusCode).toBe(200);
  });

  it.each(PROVIDER_NAMES)(
    "%s: a base64-encoded body with non-ASCII text verifies on its exact bytes",
    async (name) => {
      const text = JSON.stringify(payloadWithText(name, "Grüße, naïve café — 東京 ☃"));
      const event = signedEventFor[name]({ body: Buffer.from(text, "utf8"), base64: true });
      expect(event.body).not.toContain("café");
      const { result, envelopes } = await ingest(event);
      expect(result.statusCode).toBe(200);
      expect(inlinePayloadText(envelopes[0]!)).toBe(text);
    },
  );

  it.each(PROVIDER_NAMES)(
    "%s: emoji and U+FFFE/U+FFFF are queued intact, in a body SQS accepts",
    async (name) => {
      const weird = "fire 🔥 on 🚒, noncharacters [\uFFFE] [\uFFFF], astral 𝄞 \u{10FFFF}";
      const text = JSON.stringify(payloadWithText(name, weird));
      const { result, queued, envelopes } = await ingest(signedEventFor[name]({ body: text }));
      expect(result.statusCode).toBe(200);
      expect(queued[0]!.body).not.toMatch(REFUSED_BY_FAUXQS);
      expect(inlinePayloadText(envelopes[0]!)).toBe(text);
    },
  );

  it("keeps emoji and U+FFFE/U+FFFF in form payloads intact too", async () => {
    const payload = { type: "view_submission", trigger_id: "t-1", value: "🔥\uFFFE\uFFFF" };
    const { queued, envelopes } = await ingest(signedSlackInteractionEvent(payload));
    expect(queued[0]!.body).not.toMatch(REFUSED_BY_FAUXQS);
    expect(inlinePayloadText(envelopes[0]!)).toBe(JSON.stringify(payload));
  });

  it.each(PROVIDER_NAMES)(
    "%s: a body whose bytes are not UTF-8 is 400 and nothing is queued",
    async (name) => {
      const text = JSON.stringify(payloadWithText(name, "MARK"));
      const [before, after] = text.split("MARK") as [string, string];
      const body = Buffer.concat([Buffer.from(before), Buffer.from([0xc3, 0x28]), Buffer.from(after)]);
      const { result, queued } = await ingest(signedEventFor[name]({ body, base64: true }));
      expectRejected(result, 400, /not valid UTF-8/);
      expect(queued).toHaveLength(0);
    },
  );

  it("makes attribute values SQS-safe while the envelope keeps the exact delivery key", async () => {
    const { queued, envelopes } = await ingest(signedJiraEvent({ identifier: "key-🔥-\uFFFF" }));
    expect(envelopes[0]!.delivery_key).toBe("key-🔥-\uFFFF");
    expect(queued[0]!.attributes.delivery_key).toBe("key-\uFFFD-\uFFFD");
  });
});

describe("ingestWebhook: size limits", () => {
  it("a body over MAX_BODY_BYTES is 413 before any secret is read", async () => {
    const deps = testIngestDeps({ config: { maxBodyBytes: 100 }, env: { GITHUB_WEBHOOK_SECRET: undefined } });
    const { result, queued } = await ingest(
      signedGithubEvent({ body: JSON.stringify({ pad: "x".repeat(200) }) }),
      deps,
    );
    expectRejected(result, 413, /exceeds the limit of 100 bytes/);
    expect(queued).toHaveLength(0);
  });

  it("counts the decoded bytes of a base64 body, not its base64 text", async () => {
    const text = JSON.stringify({ ...samplePayloads.genericAlert(), pad: "é".repeat(20) });
    const limit = Buffer.byteLength(text);
    const deps = testIngestDeps({ config: { maxBodyBytes: limit } });
    const { result } = await ingest(signedGenericEvent("datadog", { body: text, base64: true }), deps);
    expect(result.statusCode).toBe(200);
    const over = testIngestDeps({ config: { maxBodyBytes: limit - 1 } });
    expectRejected(
      (await ingest(signedGenericEvent("datadog", { body: text, base64: true }), over)).result,
      413,
    );
  });

  it("an envelope over MAX_MESSAGE_BYTES is 413 and nothing is queued", async () => {
    const deps = testIngestDeps({ config: { maxMessageBytes: 1024 } });
    const body = JSON.stringify({ ...samplePayloads.genericAlert(), pad: "x".repeat(1024) });
    const { result, queued } = await ingest(signedGenericEvent("datadog", { body }), deps);
    expectRejected(result, 413, /does not fit in one queue message \(limit 1024 bytes\)/);
    expect(queued).toHaveLength(0);
  });

  it("counts the message attributes toward MAX_MESSAGE_BYTES, as SQS does", async () => {
    const body = JSON.stringify(samplePayloads.genericAlert());
    const id = () => "6f1c0f39-0a8e-4c53-9d0c-6a4b1f5b8f0e";
    const requestId = "req-fixed";
    const event = () => signedGenericEvent("datadog", { body, requestId, headers: { "x-webhook-id": "k" } });
    // Measure the exact message once, then set the limit between its body size and its full size.
    const probe = { ...testIngestDeps(), newId: id };
    await ingestWebhook(toWebhookRequest(event()), probe);
    const message = probe.queue.messages[0]!;
    const bodyBytes = Buffer.byteLength(message.body);
    expect(queueMessageBytes(message)).toBeGreaterThan(bodyBytes);
    const deps = { ...testIngestDeps({ config: { maxMessageBytes: bodyBytes } }), newId: id };
    const result = await ingestWebhook(toWebhookRequest(event()), deps);
    expectRejected(result, 413);
    const fits = {
      ...testIngestDeps({ config: { maxMessageBytes: queueMessageBytes(message) } }),
      newId: id,
    };
    expect((await ingestWebhook(toWebhookRequest(event()), fits)).statusCode).toBe(200);
  });

  it("refuses a PagerDuty V2 body if any one message is too large, queueing none", async () => {
    const body = JSON.stringify({
      messages: [
        { id: "small", event: "incident.trigger" },
        { id: "big", event: "incident.trigger", pad: "x".repeat(2000) },
      ],
    });
    const deps = testIngestDeps({ config: { maxMessageBytes: 1500 } });
    const { result, queued } = await ingest(signedPagerDutyEvent({ body }), deps);
    expectRejected(result, 413);
    expect(queued).toHaveLength(0);
  });
});

describe("ingestWebhook: our side failing", () => {
  it.each(PROVIDER_NAMES)("%s: a missing secret is 503 with Retry-After", async (name) => {
    const variable = {
      slack: "SLACK_SIGNING_SECRET",
      github: "GITHUB_WEBHOOK_SECRET",
      pagerduty: "PAGERDUTY_WEBHOOK_SECRET",
      incidentio: "INCIDENTIO_WEBHOOK_SECRET",
      jira: "JIRA_WEBHOOK_SECRET",
      notion: "NOTION_WEBHOOK_SECRET",
      generic: "GENERIC_WEBHOOK_SECRETS",
    }[name];
    const deps = testIngestDeps({ env: { [variable]: undefined } });
    const { result, queued } = await ingest(signedEventFor[name](), deps);
    expect(result).toMatchObject({
      statusCode: 503,
      outcome: "unavailable",
      headers: { "retry-after": "30" },
      problem: expect.stringMatching(new RegExp(`${variable} is not configured`)),
    });
    expect(result.body).toEqual({ error: expect.stringMatching(/retry later/) });
    expect(queued).toHaveLength(0);
  });

  it("an unreadable or empty secret value is 503, not a crash", async () => {
    for (const value of ["[not json", "[]", '[""]']) {
      const deps = testIngestDeps({ env: { GITHUB_WEBHOOK_SECRET: value } });
      expect((await ingest(signedGithubEvent(), deps)).result.statusCode).toBe(503);
    }
  });

  it("a queue failure is 503 and nothing is acknowledged", async () => {
    const queue = new InMemoryEventQueue().failWith(
      new QueueUnavailableError(new Error("QueueDoesNotExist")),
    );
    const deps = testIngestDeps({ queue });
    const { result, queued } = await ingest(signedGithubEvent(), deps);
    expect(result).toMatchObject({
      statusCode: 503,
      outcome: "unavailable",
      problem: expect.stringMatching(/QueueDoesNotExist/),
    });
    expect(result.body).not.toHaveProperty("status");
    expect(queued).toHaveLength(0);
  });

  it("a ping or handshake still succeeds while the queue is down (nothing to queue)", async () => {
    const deps = testIngestDeps({ queue: new InMemoryEventQueue().failWith() });
    expect((await ingest(signedGithubEvent({ event: "ping" }), deps)).result.statusCode).toBe(200);
  });
});

describe("ingestWebhook: requests that never reach a provider", () => {
  it("an unsigned request to a real route with no body is 401", async () => {
    const { result } = await ingest(apiGatewayEvent({ path: "/webhooks/slack/events" }));
    expectRejected(result, 401, /missing X-Slack-Signature/);
  });

  it("a correct Slack signature for another timestamp is refused", async () => {
    const now = new Date();
    const body = JSON.stringify(samplePayloads.slackMessage());
    const event = apiGatewayEvent({
      path: "/webhooks/slack/events",
      headers: {
        "content-type": "application/json",
        "x-slack-request-timestamp": String(unixSeconds(now)),
        "x-slack-signature": slackSignature(TEST_SECRETS.slack, unixSeconds(now) - 1, body),
      },
      body,
    });
    expectRejected((await ingest(event)).result, 401);
  });
});
