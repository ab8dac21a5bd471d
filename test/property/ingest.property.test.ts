/**
 * Properties of the ingest handler over random input, with a working in-memory queue and every
 * secret configured (so a 503 can never be legitimate here):
 *   1. random headers, bodies, paths and methods never give a 5xx or an exception, and nothing
 *      is queued (random input has no valid signature);
 *   2. correctly signed but otherwise random requests never give a 5xx or an exception either, and
 *      queue exactly what they acknowledge, as valid SQS-safe envelopes carrying the payload's text
 *      as signed;
 *   3. any JSON a sender writes (its own spacing, escapes, number spellings) is queued as that text;
 *   4. changing any one byte of a signed body makes it a 401 with nothing queued.
 */
import type { APIGatewayProxyEventV2 } from "aws-lambda";
import fc from "fast-check";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { createIngestHandler } from "../../functions/ingest/handler";
import { parseEnvelope } from "../../shared/envelope/envelope";
import { isJsonMediaType, mediaTypeOf } from "../../shared/http/media-type";
import { PROVIDER_NAMES, type ProviderName } from "../../shared/providers/provider";
import { queuedPayloadText } from "../support/envelopes";
import { type TestIngestDeps, testIngestDeps } from "../support/in-memory-event-queue";
import { spyOnObservability } from "../support/observability-spies";
import { apiGatewayEvent, bodyAround, signedEventFor, signedGenericEvent } from "../support/signed-requests";
import { jsonValueText, whitespace } from "./json-text-arbitrary";

// biome-ignore lint/suspicious/noControlCharactersInRegex: SQS's allowed characters, named exactly
const REFUSED_BY_SQS = /[^\x09\x0A\x0D\x20-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]/u;
// biome-ignore lint/suspicious/noControlCharactersInRegex: fauxqs's allowed characters (no astral range)
const REFUSED_BY_FAUXQS = /[^\x09\x0A\x0D\x20-\uD7FF\uE000-\uFFFD]/;

let spies: ReturnType<typeof spyOnObservability>;
beforeEach(() => {
  spies = spyOnObservability();
});
afterEach(() => {
  spies.restore();
});

// ---------------------------------------------------------------------------------------------
// Arbitraries
// ---------------------------------------------------------------------------------------------

const nowSeconds = () => Math.floor(Date.now() / 1000);
const hex = (n: number) =>
  fc.string({ unit: fc.constantFrom(..."0123456789abcdef"), minLength: n, maxLength: n });
const base64ish = fc
  .uint8Array({ minLength: 0, maxLength: 40 })
  .map((b) => Buffer.from(b).toString("base64"));

const paths = fc.oneof(
  fc.constantFrom(
    "/webhooks/slack/events",
    "/webhooks/slack/interactions",
    "/webhooks/github",
    "/webhooks/pagerduty",
    "/webhooks/incidentio",
    "/webhooks/jira",
    "/webhooks/generic/datadog",
    "/webhooks/generic/coralogix",
    "/webhooks/generic/unknown-source",
    "/webhooks/github/",
    "/webhooks/generic/__proto__",
    "/webhooks/generic/constructor",
    "/",
    "",
  ),
  fc.string({ maxLength: 40 }).map((s) => `/webhooks/${s}`),
  fc.string({ unit: "binary", maxLength: 30 }),
);

const methods = fc.oneof(
  fc.constantFrom("POST", "GET", "PUT", "post", "OPTIONS", "DELETE"),
  fc.string({ maxLength: 8 }),
);

const contentTypes = fc.oneof(
  fc.constantFrom(
    "application/json",
    "application/json; charset=utf-8",
    "APPLICATION/JSON",
    "application/x-www-form-urlencoded",
    "application/x-www-form-urlencoded; charset=utf-8",
    "application/vnd.api+json",
    "text/plain",
    "multipart/form-data; boundary=x",
    "",
    ";",
  ),
  fc.string({ maxLength: 30 }),
);

/** Header names a webhook request may carry, in any case, and a few random ones. */
const headerNames = fc.oneof(
  fc
    .constantFrom(
      "content-type",
      "x-slack-signature",
      "x-slack-request-timestamp",
      "x-slack-retry-num",
      "x-slack-retry-reason",
      "x-hub-signature-256",
      "x-hub-signature",
      "x-github-event",
      "x-github-delivery",
      "x-pagerduty-signature",
      "x-webhook-id",
      "webhook-id",
      "webhook-timestamp",
      "webhook-signature",
      "svix-id",
      "svix-timestamp",
      "svix-signature",
      "x-atlassian-webhook-identifier",
      "x-webhook-signature",
      "authorization",
      "idempotency-key",
      "user-agent",
      "constructor",
      "__proto__",
      "toString",
    )
    .chain((name) =>
      fc.constantFrom(
        name,
        name.toUpperCase(),
        name.replace(/(^|-)(\w)/g, (m) => m.toUpperCase()),
      ),
    ),
  fc.string({ minLength: 1, maxLength: 20 }),
);

/** Values shaped like each scheme's headers (but signed with nothing), timestamps near now, noise. */
const headerValues = fc.oneof(
  hex(64).map((h) => `v0=${h}`),
  hex(64).map((h) => `sha256=${h}`),
  fc
    .array(
      hex(64).map((h) => `v1=${h}`),
      { minLength: 1, maxLength: 3 },
    )
    .map((a) => a.join(",")),
  fc
    .array(
      base64ish.map((b) => `v1,${b}`),
      { minLength: 1, maxLength: 3 },
    )
    .map((a) => a.join(" ")),
  fc.string({ maxLength: 30 }).map((t) => `Bearer ${t}`),
  fc.integer({ min: -400, max: 400 }).map((d) => String(nowSeconds() + d)),
  // Small counts and numbers past 2^53 (retry counts, ids).
  fc.nat(10).map(String),
  fc.bigInt({ min: 2n ** 53n, max: 10n ** 40n }).map(String),
  fc.constantFrom("ping", "issues", "1", "http_timeout", "", " ", "v0=", "sha256=", "v1,", "Bearer "),
  fc.string({ maxLength: 60 }),
  fc.string({ unit: "binary", maxLength: 30 }),
);

const headers = fc.dictionary(headerNames, headerValues, { maxKeys: 12 });

const randomBodies = fc.oneof(
  fc.constant(undefined),
  fc.string({ maxLength: 200 }),
  fc.string({ unit: "binary", maxLength: 200 }),
  fc.json({ stringUnit: "binary", maxDepth: 3 }),
  fc.uint8Array({ maxLength: 300 }).map((b) => Buffer.from(b)),
  fc.constantFrom(
    "",
    "{}",
    "[]",
    "null",
    "ssl_check=1",
    "payload=%7B%7D",
    '{"type":"url_verification","challenge":"c"}',
  ),
);

const requestIds = fc.oneof(fc.uuid(), fc.string({ maxLength: 40 }));

// ---------------------------------------------------------------------------------------------
// Running one request
// ---------------------------------------------------------------------------------------------

async function run(event: APIGatewayProxyEventV2, deps: TestIngestDeps) {
  const response = await createIngestHandler(() => deps)(event);
  const statusCode = response.statusCode ?? 0;
  expect(statusCode, "no 5xx for anything a caller sends").toBeLessThan(500);
  expect(statusCode).toBeGreaterThanOrEqual(200);
  const body = JSON.parse(response.body!);
  if (statusCode >= 400)
    expect(body).toEqual({ error: expect.any(String), correlation_id: expect.any(String) });
  return { response, body };
}

const withBody = (event: APIGatewayProxyEventV2, body: string | Buffer | undefined, base64: boolean) => {
  if (body === undefined) {
    const { body: _dropped, ...rest } = event;
    return { ...rest, isBase64Encoded: base64 };
  }
  return {
    ...event,
    body: base64 ? Buffer.from(body).toString("base64") : Buffer.from(body).toString("utf8"),
    isBase64Encoded: base64,
  };
};

/**
 * What an accepted request must have queued as payload texts: the JSON body itself; each PagerDuty
 * V2 message as it stands in the body; a form's `payload` field; a slash command's fields as JSON.
 */
function expectPayloadTexts(provider: string, body: string, contentType: string, texts: string[]): void {
  if (!isJsonMediaType(mediaTypeOf(contentType))) {
    const fields = Object.fromEntries(new URLSearchParams(body));
    expect(texts).toEqual([fields.payload ?? JSON.stringify(fields)]);
    return;
  }
  const messages = (JSON.parse(body) as { messages?: unknown }).messages;
  if (provider !== "pagerduty" || !Array.isArray(messages)) {
    expect(texts).toEqual([body]);
    return;
  }
  expect(texts.map((text) => JSON.parse(text))).toEqual(messages);
  for (const text of texts) expect(body).toContain(text);
}

// ---------------------------------------------------------------------------------------------
// Properties
// ---------------------------------------------------------------------------------------------

describe("ingest handler over random input", () => {
  it("never answers 5xx or throws, and queues nothing without a valid signature", async () => {
    await fc.assert(
      fc.asyncProperty(
        paths,
        methods,
        headers,
        contentTypes,
        randomBodies,
        fc.boolean(),
        fc.oneof(fc.boolean(), fc.string({ maxLength: 20 })),
        requestIds,
        async (path, method, hdrs, contentType, body, base64, rawBase64Body, requestId) => {
          const deps = testIngestDeps({ config: { maxBodyBytes: 256 } });
          let event = withBody(
            apiGatewayEvent({ path, method, headers: { "content-type": contentType, ...hdrs }, requestId }),
            body,
            base64,
          );
          // Sometimes a "base64" body that is not base64 at all.
          if (typeof rawBase64Body === "string")
            event = { ...event, body: rawBase64Body, isBase64Encoded: true };
          const { response } = await run(event, deps);
          expect([401, 404, 405, 413]).toContain(response.statusCode);
          expect(deps.queue.messages).toHaveLength(0);
        },
      ),
      { numRuns: 400 },
    );
  });

  /** A body and the content type it is sent with: each provider's shapes with random contents, or noise. */
  type ShapedBody = { body: string; contentType: string };

  const shapedBodies = (provider: ProviderName): fc.Arbitrary<ShapedBody> => {
    const value = fc.jsonValue({ stringUnit: "binary", maxDepth: 2 });
    const text = fc.oneof(
      fc.string({ unit: "binary", maxLength: 20 }),
      fc.constantFrom("", "message", "🔥\uFFFE\uFFFF"),
    );
    const mostly = <T>(likely: fc.Arbitrary<T>, other: fc.Arbitrary<T>) =>
      fc.oneof({ arbitrary: likely, weight: 4 }, { arbitrary: other, weight: 1 });
    const json = (arb: fc.Arbitrary<unknown>) =>
      fc.record({
        body: arb.map((v) => JSON.stringify(v)),
        contentType: fc.constantFrom("application/json", "application/json; charset=utf-8"),
      });
    const form = (arb: fc.Arbitrary<Record<string, string>>) =>
      fc.record({
        body: arb.map((f) => new URLSearchParams(f).toString()),
        contentType: fc.constantFrom(
          "application/x-www-form-urlencoded",
          "application/x-www-form-urlencoded; charset=utf-8",
        ),
      });
    const byProvider: Record<ProviderName, fc.Arbitrary<ShapedBody>[]> = {
      slack: [
        json(
          fc.record(
            {
              type: mostly(
                fc.constant("event_callback"),
                fc.oneof(fc.constantFrom("url_verification"), text),
              ),
              event_id: mostly(text, value),
              challenge: value,
              event: mostly(
                fc.record(
                  {
                    type: mostly(text, value),
                    channel: text,
                    bot_id: mostly(fc.constant(""), text),
                    subtype: text,
                  },
                  { requiredKeys: ["type"] },
                ),
                value,
              ),
            },
            { requiredKeys: ["type", "event"] },
          ),
        ),
        form(
          fc.oneof(
            fc.record(
              {
                payload: mostly(
                  fc
                    .record({ type: text, trigger_id: text }, { requiredKeys: [] })
                    .map((p) => JSON.stringify(p)),
                  text,
                ),
                trigger_id: text,
              },
              { requiredKeys: ["payload"] },
            ),
            fc.record({ command: text, trigger_id: text, channel_id: text }, { requiredKeys: ["command"] }),
            fc.dictionary(fc.constantFrom("payload", "command", "ssl_check", "text"), text),
          ),
        ),
      ],
      github: [
        json(fc.record({ action: mostly(text, value), zen: text }, { requiredKeys: [] })),
        form(fc.record({ payload: fc.json({ stringUnit: "binary", maxDepth: 2 }) })),
      ],
      pagerduty: [
        json(
          fc.record({
            event: mostly(
              fc.record({ id: mostly(text, value), event_type: mostly(text, value) }, { requiredKeys: [] }),
              value,
            ),
          }),
        ),
        json(
          fc.record({
            messages: mostly(
              fc.array(fc.record({ id: mostly(text, value), event: text }, { requiredKeys: [] }), {
                maxLength: 4,
              }),
              fc.array(value, { maxLength: 4 }),
            ),
          }),
        ),
      ],
      incidentio: [
        json(fc.record({ event_type: mostly(text, value), data: value }, { requiredKeys: ["event_type"] })),
      ],
      jira: [json(fc.record({ webhookEvent: mostly(text, value), issue: value }, { requiredKeys: [] }))],
      notion: [
        json(
          fc.record(
            { id: mostly(text, value), type: mostly(text, value), entity: value },
            { requiredKeys: [] },
          ),
        ),
        // The verification request's shape, signed: an event like any other, never a handshake.
        json(
          fc.record({
            verification_token: mostly(
              text.map((t) => `secret_${t}`),
              value,
            ),
          }),
        ),
      ],
      generic: [
        json(
          fc.record(
            { event_type: mostly(text, value), type: text, id: mostly(text, value), event_id: text },
            { requiredKeys: [] },
          ),
        ),
      ],
    };
    const noise = fc.record({
      body: fc.oneof(
        fc.json({ stringUnit: "binary", maxDepth: 2 }),
        fc.string({ unit: "binary", maxLength: 100 }),
      ),
      contentType: contentTypes,
    });
    return fc.oneof(...byProvider[provider].map((arbitrary) => ({ arbitrary, weight: 4 })), {
      arbitrary: noise,
      weight: 1,
    });
  };

  const signedRequests = fc.constantFrom(...PROVIDER_NAMES, "generic-bearer" as const).chain((provider) =>
    fc.record({
      provider: fc.constant(provider),
      shaped: shapedBodies(provider === "generic-bearer" ? "generic" : provider),
      base64: fc.boolean(),
      extraHeaders: fc.record(
        {
          "x-slack-retry-num": headerValues,
          "x-slack-retry-reason": headerValues,
          "x-github-event": headerValues,
          "x-github-delivery": headerValues,
          "x-webhook-id": headerValues,
          "idempotency-key": headerValues,
          "x-atlassian-webhook-identifier": headerValues,
          "user-agent": headerValues,
        },
        { requiredKeys: [] },
      ),
      requestId: requestIds,
    }),
  );

  it("never answers 5xx or throws for signed requests, and queues exactly what it acknowledges", async () => {
    const outcomes = { accepted: 0, answered: 0, refused: 0 };
    await fc.assert(
      fc.asyncProperty(signedRequests, async ({ provider, shaped, base64, extraHeaders, requestId }) => {
        const { body, contentType } = shaped;
        const deps = testIngestDeps();
        const options = {
          body,
          contentType,
          base64,
          headers: extraHeaders,
          ...(requestId ? { requestId } : {}),
        };
        const event =
          provider === "generic-bearer"
            ? signedGenericEvent("coralogix", { ...options, auth: "bearer" })
            : signedEventFor[provider](options);
        const { response, body: answer } = await run(event, deps);
        if (response.statusCode === 200 && answer.status === "accepted") {
          const ids: string[] = answer.ids ?? [answer.id];
          expect(deps.queue.messages).toHaveLength(ids.length);
          deps.queue.messages.forEach((message, i) => {
            expect(message.body).not.toMatch(REFUSED_BY_FAUXQS);
            for (const value of Object.values(message.attributes)) {
              expect(value).not.toMatch(REFUSED_BY_SQS);
              expect(value.length).toBeGreaterThan(0);
            }
            const parsed = parseEnvelope(message.body);
            expect(parsed.ok).toBe(true);
            if (parsed.ok) expect(parsed.envelope.id).toBe(ids[i]);
          });
          expectPayloadTexts(
            provider,
            body,
            contentType,
            deps.queue.messages.map((m) => queuedPayloadText(m.body)),
          );
          outcomes.accepted++;
        } else {
          outcomes[response.statusCode === 200 ? "answered" : "refused"]++;
          expect(deps.queue.messages).toHaveLength(0);
        }
      }),
      { numRuns: 400 },
    );
    // The generators must reach the queueing path often, or this property proves little.
    expect(outcomes.accepted).toBeGreaterThan(80);
  });

  it("queues the exact text of any JSON object a sender writes, for every provider", async () => {
    // Fixed member names: a random one could be `type` or `messages` and change what the body is.
    const members = fc
      .array(fc.tuple(whitespace, jsonValueText), { minLength: 1, maxLength: 4 })
      .map((values) => values.map(([space, value], i) => `"x${i}"${space}:${value}`).join(" ,"));
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...PROVIDER_NAMES), members, fc.boolean(), async (name, m, base64) => {
        const body = bodyAround(name, m);
        const deps = testIngestDeps();
        const { response } = await run(signedEventFor[name]({ body, base64 }), deps);
        expect(response.statusCode).toBe(200);
        expect(deps.queue.messages.map((message) => queuedPayloadText(message.body))).toEqual([body]);
      }),
      { numRuns: 300 },
    );
  });

  it("refuses a signed body with any one byte changed", async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(...PROVIDER_NAMES),
        fc.json({ stringUnit: "binary", maxDepth: 2 }).filter((j) => j.length > 0),
        fc.nat(),
        fc.integer({ min: 1, max: 255 }),
        async (provider, json, position, delta) => {
          const deps = testIngestDeps();
          const signed = signedEventFor[provider]({ body: json });
          const bytes = Buffer.from(signed.body!, "utf8");
          const at = position % bytes.length;
          bytes[at] = (bytes[at]! + delta) % 256;
          const { response } = await run(withBody(signed, bytes, true), deps);
          expect(response.statusCode).toBe(401);
          expect(deps.queue.messages).toHaveLength(0);
        },
      ),
      { numRuns: 300 },
    );
  });
});
