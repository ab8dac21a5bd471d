/**
 * What ingest queues as the payload is the text the provider signed, byte for byte: never a
 * re-serialisation, which would round big integers, reorder or respace keys, or fail on nesting.
 */
import type { APIGatewayProxyEventV2 } from "aws-lambda";
import { describe, expect, it } from "vitest";
import { ingestWebhook } from "../../../shared/ingest/ingest-webhook";
import { PROVIDER_NAMES } from "../../../shared/providers/provider";
import { envelopeOf, queuedPayloadText } from "../../support/envelopes";
import { testIngestDeps } from "../../support/in-memory-event-queue";
import {
  bodyAround,
  signedEventFor,
  signedGithubEvent,
  signedPagerDutyEvent,
  signedSlackInteractionEvent,
  toWebhookRequest,
} from "../../support/signed-requests";

// biome-ignore lint/suspicious/noControlCharactersInRegex: fauxqs's allowed characters (no astral range)
const REFUSED_BY_FAUXQS = /[^\x09\x0A\x0D\x20-\uD7FF\uE000-\uFFFD]/;

async function queued(event: APIGatewayProxyEventV2) {
  const deps = testIngestDeps();
  const result = await ingestWebhook(toWebhookRequest(event), deps);
  expect(result.statusCode, JSON.stringify(result.body)).toBe(200);
  for (const message of deps.queue.messages) expect(message.body).not.toMatch(REFUSED_BY_FAUXQS);
  return deps.queue.messages.map((m) => m.body);
}

const nested = (depth: number) => `${'{"a":['.repeat(depth)}1${"]}".repeat(depth)}`;

const EXTRAS = [
  [
    "an integer beyond 2^53, and numbers spelled their own way",
    '"id": 12345678901234567890, "f": 1.50, "e": 1E3',
  ],
  ["odd spacing and key order", '"z" : 0 ,   "a":[ ] ,"m" :{ "y":1,"b" :2 }'],
  [
    "emoji, U+FFFE, U+FFFF and escapes as written",
    '"t": "🔥 𝄞 \uFFFE\uFFFF \\u00e9 \\ud83d\\udd25 \\" \\\\"',
  ],
  ["5,000-deep nesting", `"deep": ${nested(5_000)}`],
] as const;

describe("the queued payload text is the body the provider signed", () => {
  for (const [what, extra] of EXTRAS) {
    it.each(PROVIDER_NAMES)(`%s: ${what}`, async (name) => {
      const body = bodyAround(name, extra);
      const [message] = await queued(signedEventFor[name]({ body }));
      expect(queuedPayloadText(message!)).toBe(body);
    });
  }

  it.each(PROVIDER_NAMES)("%s: the same through a base64-encoded body", async (name) => {
    const body = bodyAround(name, EXTRAS.map(([, extra]) => extra).join(","));
    const [message] = await queued(signedEventFor[name]({ body: Buffer.from(body, "utf8"), base64: true }));
    expect(queuedPayloadText(message!)).toBe(body);
  });
});

describe("payloads that are not the whole body", () => {
  it("Slack interaction: the `payload` form field's text exactly", async () => {
    const text =
      '{ "type" : "block_actions", "trigger_id":"1.2.3", "n": 12345678901234567890, "t": "🔥\uFFFE" }';
    const form = new URLSearchParams({ payload: text }).toString();
    const [message] = await queued(signedSlackInteractionEvent(undefined, { body: form }));
    expect(queuedPayloadText(message!)).toBe(text);
  });

  it("GitHub form content type: the `payload` field's text exactly", async () => {
    const text =
      '{"action" :"opened",  "issue": {"id": 12345678901234567890}, "repository": {"full_name": "o/r"}}';
    const event = signedGithubEvent({
      body: new URLSearchParams({ payload: text }).toString(),
      contentType: "application/x-www-form-urlencoded",
    });
    const [message] = await queued(event);
    expect(queuedPayloadText(message!)).toBe(text);
  });

  it("PagerDuty V2: each message's own text, as it stands in the body", async () => {
    const first = '{ "id":"m-1" , "event" : "incident.trigger", "n": 12345678901234567890 }';
    const second = `{"event":"incident.resolve","id":"m-2","t":"🔥 ]}\\" \uFFFE","deep":${nested(5_000)}}`;
    const body = `{ "messages" : [\n  ${first},\n  ${second}\n ] }`;
    const messages = await queued(signedPagerDutyEvent({ body }));
    expect(messages.map(queuedPayloadText)).toEqual([first, second]);
    expect(messages.map((m) => envelopeOf(m).delivery_key)).toEqual(["m-1", "m-2"]);
  });
});
