/**
 * The ingest handler against a real SQS (and S3) wire protocol: fauxqs, started in this process.
 * Every provider's signed request must land on the queue with its envelope and message attributes,
 * the payload's text exactly as sent (in the message, or as the stored object's bytes);
 * a filtered event is answered and never queued; a payload too large for one message is stored in
 * the bucket, the message pointing at it; GET /health asks the real queue; a queue (or bucket) that
 * is gone must give 503 with nothing acknowledged.
 */
import { createHash } from "node:crypto";
import { GetObjectCommand, type S3Client } from "@aws-sdk/client-s3";
import {
  CreateQueueCommand,
  DeleteQueueCommand,
  GetQueueAttributesCommand,
  type SQSClient,
} from "@aws-sdk/client-sqs";
import type { APIGatewayProxyEventV2, Context } from "aws-lambda";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from "vitest";
import { createIngestHandler } from "../../../functions/ingest/handler";
import { type RunningFauxqs, startSqsEmulator } from "../../../local/emulators/fauxqs";
import { createPayloadBucket } from "../../../local/resources/create-payload-bucket";
import { ingestConfigFromEnv } from "../../../shared/config/ingest-config";
import {
  inlinePayloadText,
  PAYLOAD_REF_ENVELOPE_VERSION,
  RAW_PAYLOAD_ENVELOPE_VERSION,
} from "../../../shared/envelope/envelope";
import { HealthCheck } from "../../../shared/health/health-check";
import type { IngestDeps } from "../../../shared/ingest/ingest-webhook";
import { createS3Client, S3PayloadStore } from "../../../shared/payloads/s3-payload-store";
import { PROVIDER_NAMES } from "../../../shared/providers/provider";
import { createSqsClient, SqsEventQueue } from "../../../shared/queue/sqs-event-queue";
import { SecretReader } from "../../../shared/secrets/secret-reader";
import { stubEmulatorEnv, unreachableS3Client } from "../../support/emulator-env";
import { largeGithubBody } from "../../support/large-github-body";
import { spyOnObservability } from "../../support/observability-spies";
import { SEED_EVENT_FILTERS } from "../../support/seed-event-filters";
import {
  apiGatewayEvent,
  bodyAround,
  samplePayloads,
  signedEventFor,
  signedGenericEvent,
  signedGithubEvent,
  signedPagerDutyEvent,
  signedSlackEvent,
  signedSlackInteractionEvent,
  testSecretEnv,
} from "../../support/signed-requests";
import { drainQueue, messageAttributes, messageEnvelope } from "./queued-messages";

let emulator: RunningFauxqs | undefined;
let sqs: SQSClient;
let queueUrl: string;
let s3: S3Client;
let bucket: string;
let spies: ReturnType<typeof spyOnObservability>;

const depsFor = (url: string): IngestDeps => ({
  config: ingestConfigFromEnv({}),
  queue: new SqsEventQueue(url),
  secrets: new SecretReader(testSecretEnv()),
});

/** Deployed-like dependencies: the seeds' event filters, the payload bucket, the health check. */
const fullDeps = (overrides: Partial<IngestDeps> = {}): IngestDeps => {
  const queue = new SqsEventQueue(queueUrl);
  return {
    config: ingestConfigFromEnv({
      EVENT_FILTERS: JSON.stringify(SEED_EVENT_FILTERS),
      PAYLOAD_BUCKET: bucket,
    }),
    queue,
    secrets: new SecretReader(testSecretEnv()),
    payloads: new S3PayloadStore(bucket),
    health: new HealthCheck({ queue, version: "9.9.9", cacheSeconds: 30 }),
    ...overrides,
  };
};

/** Members no re-serialisation keeps: a 64-bit integer, odd spacing, emoji, U+FFFE, escapes, 5,000-deep nesting. */
const EXACT_MEMBERS = [
  '"id" : 12345678901234567890',
  '"f": 1.50',
  '"t": "🔥 checkout down 🚒 [\uFFFE\uFFFF] 𝄞 \\u00e9 — naïve café"',
  `"deep": ${'{"a":['.repeat(5_000)}1${"]}".repeat(5_000)}`,
].join(" ,  ");

const sha256 = (bytes: string | Buffer) => createHash("sha256").update(bytes).digest("hex");

async function createQueue(name: string): Promise<string> {
  const { QueueUrl } = await sqs.send(new CreateQueueCommand({ QueueName: name }));
  return QueueUrl!;
}

const drain = (url = queueUrl) => drainQueue(sqs, url);

beforeAll(async () => {
  emulator = await startSqsEmulator();
  // Before any client is built: the SDK reads these when a client is created.
  stubEmulatorEnv({ sqs: emulator.endpoint, s3: emulator.endpoint }, { SQS_MAX_ATTEMPTS: "1" });
  sqs = createSqsClient();
  queueUrl = await createQueue(`ingest-it-${Date.now()}`);
  s3 = await createS3Client();
  bucket = await createPayloadBucket(s3, `ingest-it-${Date.now()}`);
});

afterAll(async () => {
  vi.unstubAllEnvs();
  await emulator?.stop();
});

beforeEach(() => {
  spies = spyOnObservability();
});

afterEach(async () => {
  spies.restore();
  if (emulator) await drain();
});

describe("ingest handler → fauxqs", () => {
  it.each(PROVIDER_NAMES)(
    "%s: the signed request is on the queue with its envelope and attributes",
    async (name) => {
      const handler = createIngestHandler(() => depsFor(queueUrl));
      const event = signedEventFor[name]({ requestId: `it-${name}` });
      const response = await handler(event);
      expect(response.statusCode).toBe(200);
      const { id } = JSON.parse(response.body!);

      const messages = await drain();
      expect(messages).toHaveLength(1);
      const envelope = messageEnvelope(messages[0]!);
      expect(envelope).toMatchObject({
        v: RAW_PAYLOAD_ENVELOPE_VERSION,
        id,
        provider: name,
        correlation_id: `it-${name}`,
        payload_text: event.body,
      });
      expect(messageAttributes(messages[0]!)).toEqual({
        provider: name,
        event_type: envelope.event_type,
        delivery_key: envelope.delivery_key,
        correlation_id: `it-${name}`,
      });
    },
  );

  it("carries each provider's own event type and delivery key in the attributes", async () => {
    const handler = createIngestHandler(() => depsFor(queueUrl));
    await handler(signedGithubEvent({ event: "issues", delivery: "gh-delivery-1" }));
    await handler(signedSlackEvent({ body: JSON.stringify(samplePayloads.slackMessage("x", "EvIT1")) }));
    await handler(signedSlackInteractionEvent({ type: "block_actions", trigger_id: "tr-it" }));
    const byProviderKey = (await drain())
      .map((m) => messageAttributes(m))
      .map((a) => [a.event_type, a.delivery_key]);
    expect(byProviderKey.sort()).toEqual(
      [
        ["issues", "gh-delivery-1"],
        ["message", "EvIT1"],
        ["block_actions", "tr-it"],
      ].sort(),
    );
  });

  it("queues PagerDuty V2 messages as one SQS message each, each carrying its own text of the body", async () => {
    const first = '{ "id" : "msg-1", "event": "incident.trigger", "n": 12345678901234567890 }';
    const second = '{"event":"incident.resolve","id":"msg-2","t":"🔥 \uFFFE"}';
    const response = await createIngestHandler(() => depsFor(queueUrl))(
      signedPagerDutyEvent({ body: `{"messages": [\n ${first},\t${second} ]}` }),
    );
    expect(JSON.parse(response.body!).ids).toHaveLength(2);
    const queued = (await drain()).map(messageEnvelope);
    const byKey = Object.fromEntries(queued.map((e) => [e.delivery_key, inlinePayloadText(e)]));
    expect(byKey).toEqual({ "msg-1": first, "msg-2": second });
  });

  it.each(PROVIDER_NAMES)(
    "%s: the message's payload_text is the sent body exactly: big integers, spacing, emoji, U+FFFE, deep nesting",
    async (name) => {
      const body = bodyAround(name, EXACT_MEMBERS);
      const response = await createIngestHandler(() => depsFor(queueUrl))(
        signedEventFor[name]({ body, base64: true }),
      );
      expect(response.statusCode).toBe(200);
      const [message] = await drain();
      // One JSON document carrying the text as sent, but for the emoji and U+FFFE, which the queue
      // refuses raw: those travel escaped, at positions the metadata lists, and come back exactly.
      expect(JSON.parse(message!.Body!)).toMatchObject({
        v: RAW_PAYLOAD_ENVELOPE_VERSION,
        escaped_at: expect.any(Array),
      });
      expect(inlinePayloadText(messageEnvelope(message!))).toBe(body);
    },
  );

  it("refuses with 413, instead of a 503 retry loop, an envelope whose body fits but attributes do not", async () => {
    const handler = createIngestHandler(() => depsFor(queueUrl));
    const { MaximumMessageSize } = (
      await sqs.send(
        new GetQueueAttributesCommand({ QueueUrl: queueUrl, AttributeNames: ["MaximumMessageSize"] }),
      )
    ).Attributes!;
    const limit = Number(MaximumMessageSize);
    // The generic sender's message size grows one byte per padding byte: measure once, then aim.
    const eventWithPad = (pad: number) =>
      signedGenericEvent("datadog", {
        body: JSON.stringify({ id: "big-alert", event_type: "alert.fired", pad: "x".repeat(pad) }),
        requestId: "it-size",
      });
    await handler(eventWithPad(0));
    const [probe] = await drain();
    const bodyBytes = Buffer.byteLength(probe!.Body!);
    const attributeBytes = Object.entries(probe!.MessageAttributes!).reduce(
      (n, [k, v]) => n + Buffer.byteLength(k) + v.DataType!.length + Buffer.byteLength(v.StringValue!),
      0,
    );

    // Exactly at the limit, attributes included: SQS takes it.
    const atLimit = await handler(eventWithPad(limit - bodyBytes - attributeBytes));
    expect(atLimit.statusCode).toBe(200);
    expect(await drain()).toHaveLength(1);

    // Body alone under the limit, body + attributes over it: refused up front, not retried forever.
    const over = await handler(eventWithPad(limit - bodyBytes - attributeBytes + 1));
    expect(over.statusCode).toBe(413);
    expect(await drain()).toHaveLength(0);
  });

  it("the exported Lambda handler builds its queue and secrets from the environment", async () => {
    for (const [name, value] of Object.entries(testSecretEnv())) vi.stubEnv(name, value!);
    vi.stubEnv("QUEUE_URL", queueUrl);
    const { handler } = await import("../../../functions/ingest/handler");
    const context = {
      functionName: "ingest",
      functionVersion: "$LATEST",
      invokedFunctionArn: "arn:aws:lambda:us-east-1:123456789012:function:ingest",
      memoryLimitInMB: "256",
      awsRequestId: "lambda-req-1",
      getRemainingTimeInMillis: () => 10_000,
    } as unknown as Context;
    const event: APIGatewayProxyEventV2 = signedGithubEvent({ requestId: "it-exported" });
    const response = await handler(event, context);
    expect(response).toMatchObject({ statusCode: 200 });
    const [message] = await drain();
    expect(messageEnvelope(message!)).toMatchObject({ provider: "github", correlation_id: "it-exported" });
  });
});

describe("event filters → fauxqs", () => {
  it("answers a filtered event 200 ignored and queues nothing; a matching one is queued", async () => {
    const handler = createIngestHandler(() => fullDeps());
    const opened = signedGithubEvent({ body: JSON.stringify(samplePayloads.githubIssue("opened")) });
    const ignored = await handler(opened);
    expect(ignored.statusCode).toBe(200);
    expect(JSON.parse(ignored.body!)).toEqual({
      status: "ignored",
      reason: "filtered: github event issues (opened, label ai:run) matches no rule in EVENT_FILTERS",
    });
    expect(await drain()).toHaveLength(0);
    expect(spies.metrics.map((m) => m.name)).toContain("WebhooksIgnored");

    const labeled = await handler(
      signedGithubEvent({ body: JSON.stringify(samplePayloads.githubIssue("labeled")) }),
    );
    expect(JSON.parse(labeled.body!)).toMatchObject({ status: "accepted" });
    expect(await drain()).toHaveLength(1);
  });
});

describe("large payloads → fauxqs S3 + SQS", () => {
  it("stores a 3 MB body in the bucket, byte for byte, and queues a small message pointing at it", async () => {
    // Written as a sender might, so a re-serialised copy could not pass for it.
    const body = largeGithubBody(3_000_000).replace(/^\{/, `{ ${EXACT_MEMBERS} ,\n`);
    const handler = createIngestHandler(() => fullDeps());
    const response = await handler(signedGithubEvent({ event: "pull_request", body }));
    expect(response.statusCode).toBe(200);
    const { id } = JSON.parse(response.body!);

    const [message, ...others] = await drain();
    expect(others).toHaveLength(0);
    expect(Buffer.byteLength(message!.Body!)).toBeLessThan(2048);
    const envelope = messageEnvelope(message!);
    if (envelope.v !== PAYLOAD_REF_ENVELOPE_VERSION)
      throw new Error(`expected a v2 envelope, got v${envelope.v}`);
    const ref = envelope.payload_ref;
    expect(envelope).toMatchObject({ id, event_type: "pull_request", action: "opened" });
    expect(ref).toEqual({
      bucket,
      key: expect.stringMatching(new RegExp(`^payloads/\\d{4}/\\d{2}/\\d{2}/${id}\\.json$`)),
      bytes: Buffer.byteLength(body),
      sha256: sha256(body),
    });

    const object = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: ref.key }));
    expect(object.ContentType).toBe("application/json");
    const stored = Buffer.from(await object.Body!.transformToByteArray());
    expect(stored.equals(Buffer.from(body, "utf8"))).toBe(true);
  });

  it("answers 503 and queues nothing when the bucket cannot be reached", async () => {
    const handler = createIngestHandler(() =>
      fullDeps({ payloads: new S3PayloadStore(bucket, unreachableS3Client()) }),
    );
    const response = await handler(
      signedGithubEvent({ event: "pull_request", body: largeGithubBody(1_200_000) }),
    );
    expect(response).toMatchObject({ statusCode: 503, headers: { "retry-after": "30" } });
    expect(await drain()).toHaveLength(0);
  });

  it("refuses a body over the default 5 MB limit with 413, storing nothing", async () => {
    const handler = createIngestHandler(() => fullDeps());
    const response = await handler(
      signedGithubEvent({ event: "pull_request", body: largeGithubBody(5_000_001) }),
    );
    expect(response.statusCode).toBe(413);
    expect(JSON.parse(response.body!).error).toMatch(/exceeds the limit of 5000000 bytes/);
    expect(await drain()).toHaveLength(0);
  });
});

describe("GET /health → fauxqs", () => {
  const health = apiGatewayEvent({ path: "/health", method: "GET" });

  it("reports the version and a reachable queue", async () => {
    const response = await createIngestHandler(() => fullDeps())(health);
    expect(response.statusCode).toBe(200);
    expect(JSON.parse(response.body!)).toEqual({
      status: "ok",
      version: "9.9.9",
      queue: "reachable",
      checked_at: expect.stringMatching(/^\d{4}-\d{2}-\d{2}T/),
    });
  });

  it("answers 503 for a queue that does not exist", async () => {
    const gone = new SqsEventQueue(`${queueUrl}-gone`);
    const deps = fullDeps({ health: new HealthCheck({ queue: gone, version: "9.9.9", cacheSeconds: 30 }) });
    const response = await createIngestHandler(() => deps)(health);
    expect(response.statusCode).toBe(503);
    expect(JSON.parse(response.body!)).toMatchObject({ status: "unavailable", queue: "unreachable" });
  });
});

describe("ingest handler with the queue gone", () => {
  it("answers 503 and acknowledges nothing when the queue was deleted", async () => {
    const goneUrl = await createQueue(`ingest-it-gone-${Date.now()}`);
    await sqs.send(new DeleteQueueCommand({ QueueUrl: goneUrl }));
    const response = await createIngestHandler(() => depsFor(goneUrl))(signedGithubEvent());
    expect(response.statusCode).toBe(503);
    expect(response.headers).toMatchObject({ "retry-after": "30" });
    expect(JSON.parse(response.body!)).toEqual({
      error: expect.stringMatching(/retry later/),
      correlation_id: expect.any(String),
    });
    expect(await drain()).toHaveLength(0);
  });

  it("answers 503 for every provider when the SQS endpoint itself is down", async () => {
    await emulator!.stop();
    emulator = undefined;
    const handler = createIngestHandler(() => depsFor(queueUrl));
    for (const name of PROVIDER_NAMES) {
      const response = await handler(signedEventFor[name]());
      expect(response.statusCode, name).toBe(503);
      expect(JSON.parse(response.body!)).not.toHaveProperty("status");
    }
    expect(spies.metrics.filter((m) => m.name === "WebhooksAccepted")).toHaveLength(0);
  });
});
