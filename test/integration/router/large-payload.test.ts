/**
 * A 3 MB GitHub webhook end to end through the real handlers on the emulators: the ingest handler
 * stores its payload in fauxqs's S3 and queues a pointer on fauxqs's SQS; the router handler
 * (DynamoDB Local tables) reads it back and delivers it to a local agent, which gets exactly the
 * bytes GitHub sent. A payload that is gone is recorded as rejected, not retried; an S3 that does
 * not answer is retried.
 */
import { createHash } from "node:crypto";
import { DeleteObjectCommand, type S3Client } from "@aws-sdk/client-s3";
import type { SQSClient } from "@aws-sdk/client-sqs";
import { DynamoDBDocumentClient } from "@aws-sdk/lib-dynamodb";
import type { SQSEvent } from "aws-lambda";
import { afterAll, beforeAll, describe, expect, inject, it, vi } from "vitest";
import { createIngestHandler } from "../../../functions/ingest/handler";
import { createRouterHandler } from "../../../functions/router/handler";
import { routerDepsFromEnv } from "../../../functions/router/router-deps-from-env";
import { type RunningFauxqs, startSqsEmulator } from "../../../local/emulators/fauxqs";
import { createPayloadBucket } from "../../../local/resources/create-payload-bucket";
import type { HttpAgentClient } from "../../../shared/adapters/http/http-agent-client";
import { splitAgentRequestBody } from "../../../shared/agent/agent-request";
import { ingestConfigFromEnv } from "../../../shared/config/ingest-config";
import { storedBody } from "../../../shared/events/event-item";
import { createS3Client, S3PayloadStore } from "../../../shared/payloads/s3-payload-store";
import { createSqsClient, SqsEventQueue } from "../../../shared/queue/sqs-event-queue";
import type { RouterDeps } from "../../../shared/router/router-deps";
import { RoutingTable } from "../../../shared/routing/routing-table";
import { SecretReader } from "../../../shared/secrets/secret-reader";
import { stubEmulatorEnv, unreachableS3Client } from "../../support/emulator-env";
import { envelopeOf } from "../../support/envelopes";
import { largeGithubBody } from "../../support/large-github-body";
import { signedGithubEvent, testSecretEnv } from "../../support/signed-requests";
import { observeRouter } from "../../unit/router/router-fakes";
import { type FakeAgent, startFakeAgent } from "./fake-agent";
import {
  createQueue,
  createRouterTables,
  dynamoClient,
  eventsReader,
  lambdaRecord,
  type RouterTables,
  receive,
} from "./router-fixture";

const REPO = "acme/large-payloads";
const AGENT_SECRET = `whsec_${Buffer.from("large-payload-agent-secret").toString("base64")}`;

let sqsEmulator: RunningFauxqs;
let sqs: SQSClient;
let s3: S3Client;
let bucket: string;
let tables: RouterTables;
let events: ReturnType<typeof eventsReader>;
let agent: FakeAgent;
const builtAgents: HttpAgentClient[] = [];

const sha256 = (bytes: string | Buffer) => createHash("sha256").update(bytes).digest("hex");

/** The payload's JSON text exactly as the agent received it. */
const payloadTextOf = (raw: Buffer): string => splitAgentRequestBody(raw.toString("utf8"))!.payloadText;

/** Posts `body` as a signed GitHub webhook through the real ingest handler; returns its queue's records. */
async function ingest(body: string) {
  const { queueUrl } = await createQueue(sqs, "large");
  const handler = createIngestHandler(() => ({
    config: ingestConfigFromEnv({ PAYLOAD_BUCKET: bucket }),
    queue: new SqsEventQueue(queueUrl),
    secrets: new SecretReader(testSecretEnv()),
    payloads: new S3PayloadStore(bucket),
  }));
  const response = await handler(signedGithubEvent({ event: "pull_request", body }));
  expect(response.statusCode).toBe(200);
  const received = await receive(sqs, queueUrl, 1);
  expect(received).toHaveLength(1);
  return {
    queueUrl,
    id: JSON.parse(response.body!).id as string,
    records: received.map((m) => lambdaRecord(m)),
  };
}

function routerFor(queueUrl: string, overrides: Partial<RouterDeps> = {}) {
  const base = routerDepsFromEnv({
    ...process.env,
    QUEUE_URL: queueUrl,
    ROUTING_TABLE: tables.routingTable,
    EVENTS_TABLE: tables.eventsTable,
    IDEMPOTENCY_TABLE: tables.idempotencyTable,
    AGENT_URL: agent.url,
    AGENT_SIGNING_SECRET: AGENT_SECRET,
    SLACK_BOT_TOKEN: "xoxb-unused",
    PAYLOAD_BUCKET: bucket,
    ROUTING_CACHE_SECONDS: "0",
    WEBHOOK_PIPELINE_LOCAL: "true",
  });
  builtAgents.push(base.agent as HttpAgentClient);
  observeRouter();
  const deps: RouterDeps = { ...base, random: () => 0.5, ...overrides };
  return (event: SQSEvent) => createRouterHandler(() => deps)(event);
}

beforeAll(async () => {
  sqsEmulator = await startSqsEmulator();
  const dynamoEndpoint = inject("dynamoDbEndpoint");
  // Before any client is built: the SDK reads these when a client is created.
  stubEmulatorEnv({ sqs: sqsEmulator.endpoint, s3: sqsEmulator.endpoint, dynamodb: dynamoEndpoint });
  sqs = createSqsClient();
  s3 = await createS3Client();
  bucket = await createPayloadBucket(s3, `router-it-${Date.now()}`);
  const dynamo = dynamoClient(dynamoEndpoint);
  tables = await createRouterTables(dynamo, "large-payload");
  events = eventsReader(dynamo, tables.eventsTable);
  await new RoutingTable({
    tableName: tables.routingTable,
    client: DynamoDBDocumentClient.from(dynamo, { marshallOptions: { removeUndefinedValues: true } }),
  }).applyTeam({ org_id: "acme", team_node_id: "platform", routing: { github_repos: [REPO] } });
  agent = await startFakeAgent();
});

afterAll(async () => {
  for (const client of builtAgents) client.close();
  vi.unstubAllEnvs();
  await agent?.close();
  await sqsEmulator?.stop();
});

describe("a 3 MB payload through S3 (fauxqs + DynamoDB Local + local agent)", () => {
  it("reaches the agent byte for byte", async () => {
    const body = largeGithubBody(3 * 1024 * 1024, REPO);
    const { queueUrl, id, records } = await ingest(body);
    expect(envelopeOf(records[0]!.body)).toMatchObject({ v: 2, id });

    expect(await routerFor(queueUrl)({ Records: records } as SQSEvent)).toEqual({ batchItemFailures: [] });

    expect(agent.requests).toHaveLength(1);
    const request = agent.requests[0]!;
    expect(request.json).toMatchObject({
      id,
      provider: "github",
      event_type: "pull_request",
      team: { org_id: "acme", team_node_id: "platform", matched_by: "github_repo", identifier: REPO },
    });
    const received = payloadTextOf(request.raw);
    expect(Buffer.byteLength(received)).toBe(Buffer.byteLength(body));
    expect(sha256(received)).toBe(sha256(body));
    // The events table keeps a small record of a delivered event: no body, not 3 MB.
    const record = await events.get(id);
    expect(record).toMatchObject({ status: "delivered", provider: "github" });
    expect(storedBody(record!)).toBeUndefined();
    expect(Buffer.byteLength(JSON.stringify(record))).toBeLessThan(1024);
  });

  it("records a payload that is gone as rejected and does not retry it", async () => {
    agent.reset();
    const { queueUrl, id, records } = await ingest(largeGithubBody(1_500_000, REPO));
    const key = (envelopeOf(records[0]!.body) as { payload_ref: { key: string } }).payload_ref.key;
    await s3.send(new DeleteObjectCommand({ Bucket: bucket, Key: key }));

    expect(await routerFor(queueUrl)({ Records: records } as SQSEvent)).toEqual({ batchItemFailures: [] });
    expect(agent.requests).toHaveLength(0);
    expect(await events.get(id)).toMatchObject({
      status: "rejected",
      provider: "github",
      last_error: expect.stringContaining(`s3://${bucket}/${key} cannot be read (NoSuchKey)`),
    });
  });

  it("retries a record whose payload S3 cannot give right now", async () => {
    agent.reset();
    const { queueUrl, id, records } = await ingest(largeGithubBody(1_500_000, REPO));
    const route = routerFor(queueUrl, { payloads: new S3PayloadStore(bucket, unreachableS3Client()) });
    const response = await route({ Records: records } as SQSEvent);
    expect(response.batchItemFailures).toEqual([{ itemIdentifier: records[0]!.messageId }]);
    expect(agent.requests).toHaveLength(0);
    expect(await events.get(id)).toMatchObject({
      status: "retrying",
      last_error: expect.stringContaining(`could not read s3://${bucket}/`),
    });
  });
});
