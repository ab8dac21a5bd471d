import { createHmac } from "node:crypto";
import { describe, expect, it } from "vitest";
import { notion } from "../../../shared/providers/notion";
import type { RouteMatch } from "../../../shared/providers/provider";
import {
  notionVerificationEvent,
  samplePayloads,
  signedNotionRequest,
  TEST_SECRETS,
  toWebhookRequest,
} from "../../support/signed-requests";

const route: RouteMatch = { provider: "notion", route: "/webhooks/notion" };
const now = new Date();
const TOKEN = TEST_SECRETS.notion;

/** Notion's format, computed here from its description: `sha256=` + hex HMAC-SHA256(token, raw body). */
const notionSignature = (token: string, body: string) =>
  `sha256=${createHmac("sha256", token).update(body).digest("hex")}`;

describe("notion.verify", () => {
  const body = JSON.stringify(samplePayloads.notionPageCreated("evt-1"));

  it("accepts X-Notion-Signature: sha256=<hex HMAC-SHA256 of the raw body> keyed with the verification token", () => {
    const req = signedNotionRequest({
      body,
      headers: { "x-notion-signature": notionSignature(TOKEN, body) },
    });
    expect(notion.verify(req, [TOKEN], now)).toEqual({ ok: true });
  });

  it("refuses a signature made with another token", () => {
    const req = signedNotionRequest({ body, secret: "secret_someoneElsesVerificationToken" });
    expect(notion.verify(req, [TOKEN], now)).toEqual({
      ok: false,
      problem: "X-Notion-Signature does not match the body signed with the configured secret",
      mismatch: true,
    });
  });

  it("refuses a request without the header", () => {
    const req = signedNotionRequest({ body, headers: { "x-notion-signature": undefined } });
    expect(notion.verify(req, [TOKEN], now)).toEqual({
      ok: false,
      problem: "missing X-Notion-Signature header",
    });
  });

  it("refuses a body changed after signing", () => {
    const req = signedNotionRequest({
      body,
      headers: { "x-notion-signature": notionSignature(TOKEN, body) },
    });
    const tampered = { ...req, rawBody: Buffer.from(body.replace("page.created", "page.deleted")) };
    expect(notion.verify(tampered, [TOKEN], now).ok).toBe(false);
  });

  it("refuses a signature without the sha256= prefix", () => {
    const bare = notionSignature(TOKEN, body).slice("sha256=".length);
    const req = signedNotionRequest({ body, headers: { "x-notion-signature": bare } });
    expect(notion.verify(req, [TOKEN], now)).toEqual({
      ok: false,
      problem: "X-Notion-Signature must look like sha256=<hex HMAC-SHA256>",
    });
  });

  it("signs what it verifies (the local samples)", () => {
    const headers = notion.sign(TOKEN, body, {}, now);
    expect(headers).toEqual({ "x-notion-signature": notionSignature(TOKEN, body) });
  });
});

describe("notion.parse", () => {
  it("takes the event type from `type` and the delivery key from `id`, the payload as sent", () => {
    const body = JSON.stringify(samplePayloads.notionPageCreated("b0d8ac29-7d4f-4c0e-9f54-2a1e4b5c6d7e"));
    const parsed = notion.parse(signedNotionRequest({ body }), route);
    expect(parsed).toMatchObject({
      kind: "events",
      events: [
        { eventType: "page.created", deliveryKey: "b0d8ac29-7d4f-4c0e-9f54-2a1e4b5c6d7e", payloadText: body },
      ],
    });
  });

  it("keys a body without `id` by its content, and types one without `type` as unknown", () => {
    const body = JSON.stringify({ entity: { id: "p1", type: "page" } });
    const parsed = notion.parse(signedNotionRequest({ body }), route);
    expect(parsed).toMatchObject({
      kind: "events",
      events: [{ eventType: "unknown", deliveryKey: expect.stringMatching(/^sha256:[0-9a-f]{64}$/) }],
    });
  });

  it("has no routing identifiers: workspaces and pages are nothing a team claims", () => {
    expect(notion.identifiers(samplePayloads.notionPageCreated())).toEqual({});
  });
});

describe("notion.unsignedHandshake", () => {
  const read = (event: Parameters<typeof toWebhookRequest>[0]) =>
    notion.unsignedHandshake!.read(toWebhookRequest(event));

  it('reads the token of the unsigned {"verification_token": …} request', () => {
    expect(read(notionVerificationEvent(TOKEN))).toEqual({ token: TOKEN });
    expect(notion.unsignedHandshake!.store.name).toBe("NOTION_VERIFICATION_TOKEN");
  });

  it.each([
    ["without the secret_ prefix", "tMrlL1qK5vuQAh1b6cZGhFChZTSYJlce98V0pYn7yBl"],
    ["too short", "secret_abc"],
    ["too long", `secret_${"a".repeat(201)}`],
    ["with characters a token has not", 'secret_tMrlL1qK5vuQAh1b6cZ GhFChZT"<>'],
  ])("refuses a token %s without quoting it", (_, token) => {
    const answer = read(notionVerificationEvent(token));
    expect(answer).toEqual({ problem: expect.stringMatching(/^verification_token must be secret_/) });
    expect(JSON.stringify(answer)).not.toContain(token);
  });

  it("refuses a token that is not a string", () => {
    const event = notionVerificationEvent(TOKEN, { body: JSON.stringify({ verification_token: 42 }) });
    expect(read(event)).toEqual({ problem: expect.stringMatching(/^verification_token must be/) });
  });

  it.each([
    ["a signed request", notionVerificationEvent(TOKEN, { headers: { "x-notion-signature": "sha256=00" } })],
    [
      "a body with any other member",
      notionVerificationEvent(TOKEN, {
        body: JSON.stringify({ verification_token: TOKEN, type: "page.created" }),
      }),
    ],
    [
      "a body over 1 KB",
      notionVerificationEvent(TOKEN, {
        body: JSON.stringify({ verification_token: `secret_${"a".repeat(1100)}` }),
      }),
    ],
    [
      "a body that is not JSON",
      notionVerificationEvent(TOKEN, { contentType: "application/x-www-form-urlencoded" }),
    ],
    ["invalid JSON", notionVerificationEvent(TOKEN, { body: '{"verification_token": ' })],
    [
      "an event",
      notionVerificationEvent(TOKEN, { body: JSON.stringify(samplePayloads.notionPageCreated()) }),
    ],
  ])("is not the handshake for %s: it goes on to verification", (_, event) => {
    expect(read(event)).toBeUndefined();
  });
});
