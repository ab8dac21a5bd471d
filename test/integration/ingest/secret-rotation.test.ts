/**
 * Rotation through the real handler path against fauxqs: a Lambda-like reader holding
 * SLACK_SIGNING_SECRET_ARN, its cache filled by a first request, over a Secrets Manager stand-in
 * whose value the test changes as an operator would and whose reads it counts. A request signed
 * with a secret put after that is queued at once; a flood of bad signatures costs one re-read; a
 * re-read that fails still answers 401 and logs nothing of any secret.
 */
import type { SQSClient } from "@aws-sdk/client-sqs";
import { CreateQueueCommand, DeleteQueueCommand } from "@aws-sdk/client-sqs";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from "vitest";
import { createIngestHandler } from "../../../functions/ingest/handler";
import { type RunningFauxqs, startSqsEmulator } from "../../../local/emulators/fauxqs";
import { ingestConfigFromEnv } from "../../../shared/config/ingest-config";
import { createSqsClient, SqsEventQueue } from "../../../shared/queue/sqs-event-queue";
import { SecretReader } from "../../../shared/secrets/secret-reader";
import { stubEmulatorEnv } from "../../support/emulator-env";
import { fakeSecretStore, throttled } from "../../support/fake-secret-store";
import { spyOnObservability } from "../../support/observability-spies";
import { signedSlackEvent, TEST_SECRETS } from "../../support/signed-requests";
import { expectNoSecretIn } from "../../unit/secrets/secret-fragments";
import { drainQueue, messageEnvelope } from "./queued-messages";

const ARN = "arn:aws:secretsmanager:us-east-1:123456789012:secret:slack-signing-AbCdEf";
const OLD = TEST_SECRETS.slack;
const NEW = "b7d1e0c2a9f84e6b9d3c5a7f1e2d4c6b";

let emulator: RunningFauxqs | undefined;
let sqs: SQSClient;
let queueUrl: string;
let spies: ReturnType<typeof spyOnObservability>;

/** The deployed function's handler over the store, its cache filled by one good request. */
async function warmHandler() {
  const store = fakeSecretStore({ [ARN]: OLD });
  // Built once, as the deployed handler builds its dependencies for every warm invocation.
  const deps = {
    config: ingestConfigFromEnv({ PROVIDER: "slack" }),
    queue: new SqsEventQueue(queueUrl),
    secrets: new SecretReader({ SLACK_SIGNING_SECRET_ARN: ARN, SECRETS_CACHE_SECONDS: "3600" }, store.fetch),
  };
  const handler = createIngestHandler(() => deps);
  expect((await handler(signedSlackEvent())).statusCode).toBe(200);
  await drainQueue(sqs, queueUrl);
  expect(store.reads(ARN)).toBe(1);
  return { store, handler };
}

beforeAll(async () => {
  emulator = await startSqsEmulator();
  stubEmulatorEnv({ sqs: emulator.endpoint }, { SQS_MAX_ATTEMPTS: "1" });
  sqs = createSqsClient();
  const { QueueUrl } = await sqs.send(new CreateQueueCommand({ QueueName: `rotation-it-${Date.now()}` }));
  queueUrl = QueueUrl!;
});

afterAll(async () => {
  if (queueUrl) await sqs.send(new DeleteQueueCommand({ QueueUrl: queueUrl }));
  vi.unstubAllEnvs();
  await emulator?.stop();
});

beforeEach(() => {
  spies = spyOnObservability();
});

afterEach(async () => {
  spies.restore();
  if (emulator) await drainQueue(sqs, queueUrl);
});

describe("ingest handler: secret rotation", () => {
  it("queues the first request signed with a secret put after the cache was filled", async () => {
    const { store, handler } = await warmHandler();
    store.set(ARN, JSON.stringify([OLD, NEW]));
    const event = signedSlackEvent({ secret: NEW, requestId: "rotated-1" });
    const response = await handler(event);
    expect(response.statusCode).toBe(200);
    const queued = (await drainQueue(sqs, queueUrl)).map(messageEnvelope);
    expect(queued).toMatchObject([{ correlation_id: "rotated-1", payload_text: event.body }]);
    // Both secrets now verify from the cache: no read per request.
    expect((await handler(signedSlackEvent({ secret: NEW }))).statusCode).toBe(200);
    expect((await handler(signedSlackEvent({ secret: OLD }))).statusCode).toBe(200);
    expect(store.reads(ARN)).toBe(2);
  });

  it("answers a flood of concurrent bad signatures 401 at the cost of one re-read, queueing nothing", async () => {
    const { store, handler } = await warmHandler();
    const responses = await Promise.all(
      Array.from({ length: 100 }, (_, i) => handler(signedSlackEvent({ secret: `guess-${i}` }))),
    );
    expect(responses.map((r) => r.statusCode)).toEqual(Array(100).fill(401));
    // And later in the same minute, one at a time: no more reads.
    for (let i = 0; i < 20; i++)
      expect((await handler(signedSlackEvent({ secret: "guess" }))).statusCode).toBe(401);
    expect(store.reads(ARN)).toBe(2);
    expect(await drainQueue(sqs, queueUrl)).toEqual([]);
  });

  it("answers 401 when the re-read fails, keeps verifying with the cached secret, and logs no secret", async () => {
    const { store, handler } = await warmHandler();
    store.set(ARN, throttled());
    const refused = await handler(signedSlackEvent({ secret: NEW }));
    expect(refused.statusCode).toBe(401);
    expect(JSON.parse(refused.body!).error).toMatch(/X-Slack-Signature does not match/);
    expect((await handler(signedSlackEvent())).statusCode).toBe(200);
    expect(store.reads(ARN)).toBe(2);
    expectNoSecretIn(JSON.stringify(spies.logText()), [OLD, NEW]);
    expectNoSecretIn(refused.body!, [OLD, NEW]);
  });
});
