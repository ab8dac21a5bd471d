/**
 * The router handler end to end on one machine: DynamoDB Local (routing, events and idempotency
 * tables), fauxqs (the webhook queue, real receipt handles and visibility), a real local HTTP agent
 * that can be told to succeed, fail or hang, and a fake Slack Web API.
 */
import { randomUUID } from "node:crypto";
import type { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import type { SQSClient } from "@aws-sdk/client-sqs";
import { DynamoDBDocumentClient } from "@aws-sdk/lib-dynamodb";
import type { SQSEvent, SQSRecord } from "aws-lambda";
import { afterAll, afterEach, beforeAll, describe, expect, inject, it, vi } from "vitest";
import { createRouterHandler } from "../../../functions/router/handler";
import { routerDepsFromEnv } from "../../../functions/router/router-deps-from-env";
import { type RunningFauxqs, startSqsEmulator } from "../../../local/emulators/fauxqs";
import { DynamoDbDeliveryGuard } from "../../../shared/adapters/dynamodb/dynamodb-delivery-guard";
import { DynamoDbEventStore } from "../../../shared/adapters/dynamodb/dynamodb-event-store";
import type { HttpAgentClient } from "../../../shared/adapters/http/http-agent-client";
import { verifyStandardWebhook } from "../../../shared/crypto/standard-webhooks";
import { namespacedDeliveryKey } from "../../../shared/envelope/delivery-key";
import { type Envelope, inlinePayloadText } from "../../../shared/envelope/envelope";
import { storedBody } from "../../../shared/events/event-item";
import { logger } from "../../../shared/observability/powertools";
import { createSqsClient } from "../../../shared/queue/sqs-event-queue";
import type { RouterDeps } from "../../../shared/router/router-deps";
import { CachedTeamResolver } from "../../../shared/routing/resolve-team";
import { RoutingTable } from "../../../shared/routing/routing-table";
import { EMULATOR_CREDENTIALS, EMULATOR_REGION } from "../../support/emulator-credentials";
import { githubEnvelope, observeRouter, slackEnvelope } from "../../unit/router/router-fakes";
import { type FakeAgent, startFakeAgent } from "./fake-agent";
import { type FakeSlack, startFakeSlack } from "./fake-slack";
import {
  createQueue,
  createRouterTables,
  dynamoClient,
  eventsReader,
  lambdaRecord,
  type RouterTables,
  receive,
  sendBodies,
  sleep,
} from "./router-fixture";

const AGENT_SECRET = `whsec_${Buffer.from("router-it-agent-secret").toString("base64")}`;
const OLD_AGENT_SECRET = `whsec_${Buffer.from("router-it-old-agent-secret").toString("base64")}`;
const SLACK_TOKEN = "xoxb-router-it-token";

const CHANNEL = "C0ROUTERIT1";
const OVERRIDE_CHANNEL = "C0ROUTERIT2";
const REPO = "acme/router-it";

let sqsEmulator: RunningFauxqs;
let sqs: SQSClient;
let dynamo: DynamoDBClient;
let tables: RouterTables;
let agent: FakeAgent;
let slack: FakeSlack;
let events: ReturnType<typeof eventsReader>;
const builtAgents: HttpAgentClient[] = [];
let logSpies: Array<ReturnType<typeof vi.spyOn>> = [];
/** What each router the test built wrote: its record lines and the logger's. */
let observedLines: ReturnType<typeof observeRouter>["lines"][] = [];

/** The handler as deployed (dependencies from the environment), on its own queue. */
function routerFor(queueUrl: string, env: Record<string, string> = {}) {
  const base = routerDepsFromEnv({
    ...process.env,
    QUEUE_URL: queueUrl,
    ROUTING_TABLE: tables.routingTable,
    EVENTS_TABLE: tables.eventsTable,
    IDEMPOTENCY_TABLE: tables.idempotencyTable,
    AGENT_URL: agent.url,
    AGENT_SIGNING_SECRET: JSON.stringify([AGENT_SECRET, OLD_AGENT_SECRET]),
    SLACK_BOT_TOKEN: SLACK_TOKEN,
    SLACK_API_URL: slack.apiUrl,
    AGENT_TIMEOUT_MS: "400",
    RETRY_BASE_DELAY_SECONDS: "20",
    ROUTING_CACHE_SECONDS: "0",
    WEBHOOK_PIPELINE_LOCAL: "true",
    ...env,
  });
  builtAgents.push(base.agent as HttpAgentClient);
  const observed = observeRouter();
  observedLines.push(observed.lines);
  const deps: RouterDeps = { ...base, random: () => 0.5 };
  const handler = createRouterHandler(() => deps);
  return {
    deps,
    get counts() {
      return observed.counts;
    },
    get lines() {
      return observed.lines;
    },
    invoke: (records: SQSRecord[]) => handler({ Records: records } as SQSEvent),
  };
}

/** Sends the messages to a fresh queue and receives them back with real receipt handles. */
async function onQueue(messages: Array<Envelope | string>, options: { maxReceiveCount?: number } = {}) {
  const queue = await createQueue(sqs, "q", options.maxReceiveCount);
  await sendBodies(sqs, queue.queueUrl, messages);
  const received = await receive(sqs, queue.queueUrl, messages.length);
  expect(received).toHaveLength(messages.length);
  // In send order: the tests reason about which copy came first.
  const order = messages.map((m) => (typeof m === "string" ? m : JSON.stringify(m)));
  received.sort((a, b) => order.indexOf(a.Body!) - order.indexOf(b.Body!));
  return { ...queue, records: received.map((m) => lambdaRecord(m)) };
}

const failedIds = (response: { batchItemFailures: { itemIdentifier: string }[] }) =>
  response.batchItemFailures.map((f) => f.itemIdentifier).sort();

function slackEvent(channel = CHANNEL, overrides: Parameters<typeof slackEnvelope>[0] = {}): Envelope {
  return slackEnvelope(overrides, channel);
}

const githubEvent = (repo = REPO): Envelope => githubEnvelope(repo);

const headersOf = (request: FakeAgent["requests"][number]) =>
  Object.fromEntries(
    Object.entries(request.headers).filter((e): e is [string, string] => typeof e[1] === "string"),
  );

beforeAll(async () => {
  sqsEmulator = await startSqsEmulator();
  const dynamoEndpoint = inject("dynamoDbEndpoint");
  // Before any client is built: the SDK reads these when a client is created.
  vi.stubEnv("AWS_ENDPOINT_URL_SQS", sqsEmulator.endpoint);
  vi.stubEnv("AWS_ENDPOINT_URL_DYNAMODB", dynamoEndpoint);
  vi.stubEnv("AWS_REGION", EMULATOR_REGION);
  vi.stubEnv("AWS_ACCESS_KEY_ID", EMULATOR_CREDENTIALS.accessKeyId);
  vi.stubEnv("AWS_SECRET_ACCESS_KEY", EMULATOR_CREDENTIALS.secretAccessKey);
  sqs = createSqsClient();
  dynamo = dynamoClient(dynamoEndpoint);
  tables = await createRouterTables(dynamo, "router-it");
  events = eventsReader(dynamo, tables.eventsTable);
  agent = await startFakeAgent();
  slack = await startFakeSlack();

  const routing = new RoutingTable({
    tableName: tables.routingTable,
    client: DynamoDBDocumentClient.from(dynamo, { marshallOptions: { removeUndefinedValues: true } }),
  });
  await routing.applyTeam({
    org_id: "extend",
    team_node_id: "extend-sre",
    routing: { slack_channel_ids: [CHANNEL], github_repos: [REPO] },
  });
  await routing.applyTeam({
    org_id: "acme",
    team_node_id: "payments",
    routing: { slack_channel_ids: [OVERRIDE_CHANNEL] },
    agent: { url: agent.url.replace("/invoke", "/acme-agent") },
  });
});

afterEach(() => {
  // No secret, token or signature in any log line.
  const logged = JSON.stringify([logSpies.flatMap((spy) => spy.mock.calls), observedLines]);
  for (const secret of [AGENT_SECRET, OLD_AGENT_SECRET, SLACK_TOKEN, "v1,", "Bearer "]) {
    expect(logged).not.toContain(secret);
  }
  logSpies = [];
  observedLines = [];
  vi.restoreAllMocks();
  agent.reset();
  slack.posts.length = 0;
  slack.answer(200, { ok: true });
});

afterAll(async () => {
  for (const client of builtAgents) client.close();
  vi.unstubAllEnvs();
  await agent?.close();
  await slack?.close();
  await sqsEmulator?.stop();
});

// Spy on every log call of the shared logger, test by test.
const spyOnLogs = () => {
  logSpies = (["debug", "info", "warn", "error"] as const).map((level) => vi.spyOn(logger, level));
};

describe("router handler (DynamoDB Local + fauxqs + local agent)", () => {
  it("delivers an event once to its team's agent, signed, and records it", async () => {
    spyOnLogs();
    const envelope = slackEvent();
    const { queueUrl, records } = await onQueue([envelope]);
    const router = routerFor(queueUrl);

    const response = await router.invoke(records);

    expect(response).toEqual({ batchItemFailures: [] });
    expect(agent.requests).toHaveLength(1);
    const request = agent.requests[0]!;
    expect(request.path).toBe("/invoke");
    expect(request.headers["x-correlation-id"]).toBe(envelope.correlation_id);
    expect(request.headers["webhook-id"]).toBe(envelope.id);
    expect(verifyStandardWebhook(headersOf(request), request.raw, [AGENT_SECRET], new Date())).toEqual({
      ok: true,
    });
    expect(request.json).toEqual({
      id: envelope.id,
      provider: "slack",
      event_type: envelope.event_type,
      delivery_key: namespacedDeliveryKey(envelope),
      received_at: envelope.received_at,
      team: {
        org_id: "extend",
        team_node_id: "extend-sre",
        matched_by: "slack_channel_id",
        identifier: CHANNEL,
      },
      payload: JSON.parse(inlinePayloadText(envelope)!),
    });
    expect(request.raw.toString("utf8").endsWith(`"payload":${inlinePayloadText(envelope)}}`)).toBe(true);

    const item = await events.get(envelope.id);
    expect(item).toMatchObject({
      event_id: envelope.id,
      status: "delivered",
      provider: "slack",
      event_type: envelope.event_type,
      delivery_key: envelope.delivery_key,
      org_id: "extend",
      team_node_id: "extend-sre",
      matched_by: "slack_channel_id",
      attempts: 1,
      agent_status: 202,
      correlation_id: envelope.correlation_id,
      received_at: envelope.received_at,
    });
    expect(typeof item!.expires_at).toBe("number");
    // A delivered event keeps no body and stays out of the status index: one small item.
    expect(storedBody(item!)).toBeUndefined();
    expect(item!.body_bytes).toBe(Buffer.byteLength(JSON.stringify(envelope)));
    expect((await events.byStatus("delivered")).map((i) => i.event_id)).not.toContain(envelope.id);
    expect(router.counts).toMatchObject({ EventsDelivered: 1, EndToEndLatency: 1 });
    expect(router.lines).toEqual([
      {
        level: "info",
        message: "events delivered",
        fields: expect.objectContaining({ event_id: envelope.id, status: "delivered", agent_status: 202 }),
      },
    ]);
  });

  it("sends a team's events to its agent override, and GitHub events by repository", async () => {
    const overridden = slackEvent(OVERRIDE_CHANNEL);
    const github = githubEvent();
    const { queueUrl, records } = await onQueue([overridden, github]);
    expect(await routerFor(queueUrl).invoke(records)).toEqual({ batchItemFailures: [] });
    const byId = new Map(agent.requests.map((r) => [r.json.id, r]));
    expect(byId.get(overridden.id)!.path).toBe("/acme-agent");
    expect(byId.get(github.id)!.json.team).toMatchObject({ matched_by: "github_repo", identifier: REPO });
  });

  it("does not send a provider's redelivery (same delivery key, new event) again", async () => {
    const first = slackEvent();
    const slackRetry = { ...first, id: randomUUID(), headers: { "x-slack-retry-num": "1" } };
    const one = await onQueue([first]);
    await routerFor(one.queueUrl).invoke(one.records);
    const two = await onQueue([slackRetry]);
    const router = routerFor(two.queueUrl);
    expect(await router.invoke(two.records)).toEqual({ batchItemFailures: [] });

    expect(agent.requests).toHaveLength(1);
    expect(await events.get(slackRetry.id)).toMatchObject({ status: "duplicate", duplicate_of: first.id });
    expect((await events.byStatus("duplicate")).map((i) => i.event_id)).toContain(slackRetry.id);
    expect(router.counts.EventsDuplicate).toBe(1);
  });

  it.each([
    [500, "retryable"],
    [429, "retryable"],
  ])(
    "retries on HTTP %i: record in batchItemFailures, visibility backed off, recorded retrying",
    async (status) => {
      agent.behave({ kind: "fail", status });
      const envelope = slackEvent();
      const { queueUrl, records } = await onQueue([envelope]);
      const router = routerFor(queueUrl);

      const response = await router.invoke(records);

      expect(failedIds(response)).toEqual([records[0]!.messageId]);
      expect(await events.get(envelope.id)).toMatchObject({
        status: "retrying",
        attempts: 1,
        agent_status: status,
        last_error: expect.stringContaining(`HTTP ${status}`),
      });
      expect(router.counts["AgentErrors:retryable"]).toBe(1);
      // Received with a 2 s visibility; the router set 10 s (base 20 s, attempt 1, jitter 0.5): still hidden.
      await sleep(2_500);
      expect(await receive(sqs, queueUrl, 1)).toEqual([]);

      // The failed send was not remembered: the next delivery reaches the agent.
      agent.behave({ kind: "ok" });
      const retried = {
        ...records[0]!,
        attributes: { ...records[0]!.attributes, ApproximateReceiveCount: "2" },
      };
      expect(await router.invoke([retried])).toEqual({ batchItemFailures: [] });
      expect(agent.requests).toHaveLength(2);
      expect(await events.get(envelope.id)).toMatchObject({ status: "delivered", attempts: 2 });
    },
  );

  it("retries an agent that hangs past the timeout", async () => {
    agent.behave({ kind: "hang" });
    const envelope = slackEvent();
    const { queueUrl, records } = await onQueue([envelope]);
    const router = routerFor(queueUrl);
    expect(failedIds(await router.invoke(records))).toEqual([records[0]!.messageId]);
    expect(await events.get(envelope.id)).toMatchObject({
      status: "retrying",
      last_error: expect.stringContaining("did not answer within 400 ms"),
    });
    expect(router.counts["AgentErrors:timeout"]).toBe(1);
  });

  it("records dead on the last receive and the message reaches the dead-letter queue", async () => {
    agent.behave({ kind: "fail", status: 503 });
    const envelope = slackEvent();
    const { queueUrl, dlqUrl, records } = await onQueue([envelope], { maxReceiveCount: 2 });
    const router = routerFor(queueUrl, { MAX_RECEIVE_COUNT: "2", RETRY_BASE_DELAY_SECONDS: "0" });

    expect(failedIds(await router.invoke(records))).toHaveLength(1);
    expect((await events.get(envelope.id))!.status).toBe("retrying");
    const second = await receive(sqs, queueUrl, 1);
    expect(second[0]!.Attributes!.ApproximateReceiveCount).toBe("2");
    expect(failedIds(await router.invoke(second.map((m) => lambdaRecord(m))))).toHaveLength(1);
    expect(await events.get(envelope.id)).toMatchObject({ status: "dead", attempts: 2 });
    expect(slack.posts).toHaveLength(1);

    expect(await receive(sqs, queueUrl, 1)).toEqual([]); // moved on this receive attempt
    const dead = await receive(sqs, dlqUrl!, 1);
    expect(dead.map((m) => m.Body)).toEqual([JSON.stringify(envelope)]);
  });

  it("records a 400 as failed, does not retry or resend it, and posts a notice to the Slack channel", async () => {
    spyOnLogs();
    agent.behave({ kind: "fail", status: 400 });
    const envelope = slackEvent();
    const { queueUrl, records } = await onQueue([envelope]);
    const router = routerFor(queueUrl);

    expect(await router.invoke(records)).toEqual({ batchItemFailures: [] });
    expect(await events.get(envelope.id)).toMatchObject({ status: "failed", agent_status: 400 });
    expect(router.counts["AgentErrors:permanent"]).toBe(1);
    expect(slack.posts).toHaveLength(1);
    expect(slack.posts[0]!.path).toBe("/api/chat.postMessage");
    expect(slack.posts[0]!.headers.authorization).toBe(`Bearer ${SLACK_TOKEN}`);
    expect(slack.posts[0]!.json).toMatchObject({ channel: CHANNEL, thread_ts: "1700000000.000100" });
    expect(String(slack.posts[0]!.json.text)).toContain(envelope.id);

    // A redelivery of the same key is answered from the idempotency record.
    const again = await onQueue([{ ...envelope, id: randomUUID() }]);
    expect(await routerFor(again.queueUrl).invoke(again.records)).toEqual({ batchItemFailures: [] });
    expect(agent.requests).toHaveLength(1);
  });

  it("still finishes a permanent failure when Slack refuses the notice", async () => {
    agent.behave({ kind: "fail", status: 404 });
    slack.answer(200, { ok: false, error: "not_in_channel" });
    const envelope = slackEvent();
    const { queueUrl, records } = await onQueue([envelope]);
    expect(await routerFor(queueUrl).invoke(records)).toEqual({ batchItemFailures: [] });
    expect((await events.get(envelope.id))!.status).toBe("failed");
    expect(slack.posts).toHaveLength(1);
  });

  it("sends copies of one delivery key within one batch exactly once", async () => {
    const first = slackEvent();
    const copies = [first, { ...first, id: randomUUID() }, { ...first, id: randomUUID() }];
    const { queueUrl, records } = await onQueue(copies);
    expect(await routerFor(queueUrl).invoke(records)).toEqual({ batchItemFailures: [] });
    expect(agent.requests).toHaveLength(1);
    for (const copy of copies.slice(1)) {
      expect(await events.get(copy.id)).toMatchObject({ status: "duplicate", duplicate_of: first.id });
    }
  });

  it("sends copies of one delivery key in two concurrent invocations exactly once", async () => {
    agent.behave({ kind: "ok", delayMs: 300 });
    const first = slackEvent();
    const copy = { ...first, id: randomUUID() };
    const a = await onQueue([first]);
    const b = await onQueue([copy]);
    const [ra, rb] = await Promise.all([
      routerFor(a.queueUrl).invoke(a.records),
      routerFor(b.queueUrl).invoke(b.records),
    ]);

    expect(agent.requests).toHaveLength(1);
    // One invocation sent it; the other found it in progress and returned its record for a later retry.
    expect(ra.batchItemFailures.length + rb.batchItemFailures.length).toBe(1);
    const loser = ra.batchItemFailures.length === 1 ? a : b;
    const loserEnvelope = loser === a ? first : copy;
    expect(await events.get(loserEnvelope.id)).toMatchObject({
      status: "retrying",
      last_error: expect.stringContaining("being sent right now"),
    });

    // Its retry finds the delivery done and is acknowledged without another send.
    const retry = {
      ...loser.records[0]!,
      attributes: { ...loser.records[0]!.attributes, ApproximateReceiveCount: "2" },
    };
    expect(await routerFor(loser.queueUrl).invoke([retry])).toEqual({ batchItemFailures: [] });
    expect(agent.requests).toHaveLength(1);
    // Whichever copy lost is recorded as what it is: a duplicate of the copy that was sent.
    const winner = loserEnvelope === first ? copy : first;
    expect(await events.get(loserEnvelope.id)).toMatchObject({
      status: "duplicate",
      duplicate_of: winner.id,
    });
  });

  it("acknowledges and records an event no team claims", async () => {
    spyOnLogs();
    const envelope = slackEvent("C0NOBODY01");
    const { queueUrl, records } = await onQueue([envelope]);
    const router = routerFor(queueUrl);
    expect(await router.invoke(records)).toEqual({ batchItemFailures: [] });
    expect(agent.requests).toHaveLength(0);
    expect(await events.get(envelope.id)).toMatchObject({
      status: "unrouted",
      identifiers: { slack_channel_id: "C0NOBODY01" },
    });
    expect(router.counts.EventsUnrouted).toBe(1);
  });

  it("hands an unclaimed event to DEFAULT_TEAM when configured", async () => {
    const envelope = slackEvent("C0NOBODY02");
    const { queueUrl, records } = await onQueue([envelope]);
    expect(await routerFor(queueUrl, { DEFAULT_TEAM: "ops/triage" }).invoke(records)).toEqual({
      batchItemFailures: [],
    });
    expect(agent.requests[0]!.json.team).toEqual({
      org_id: "ops",
      team_node_id: "triage",
      matched_by: "default_team",
      identifier: "",
    });
  });

  it("records an invalid envelope as rejected and does not retry it", async () => {
    const good = slackEvent();
    const { queueUrl, records } = await onQueue(["this is not an envelope", good]);
    const router = routerFor(queueUrl);
    expect(await router.invoke(records)).toEqual({ batchItemFailures: [] });
    const rejected = await events.get(`sqs-message:${records[0]!.messageId}`);
    expect(rejected).toMatchObject({ status: "rejected", last_error: expect.stringContaining("not JSON") });
    expect(storedBody(rejected!)).toBe("this is not an envelope");
    expect(agent.requests).toHaveLength(1);
  });

  it("stops calling a failing agent after consecutive failures (its circuit breaker)", async () => {
    agent.behave({ kind: "fail", status: 502 });
    const batch = Array.from({ length: 6 }, () => slackEvent());
    const { queueUrl, records } = await onQueue(batch);
    const router = routerFor(queueUrl, { AGENT_CONCURRENCY: "1", CIRCUIT_BREAKER_THRESHOLD: "3" });
    const response = await router.invoke(records);
    expect(response.batchItemFailures).toHaveLength(6);
    expect(agent.requests).toHaveLength(3);
    const open = await Promise.all(batch.map((e) => events.get(e.id)));
    expect(open.filter((i) => String(i!.last_error).includes("circuit open"))).toHaveLength(3);
  });

  it("loses nothing in a DynamoDB outage: every record is retried, none sent, all delivered afterwards", async () => {
    const batch = [slackEvent(), githubEvent()];
    const { queueUrl, records } = await onQueue(batch);
    const closed = dynamoClient("http://127.0.0.1:9", 1);
    const healthy = routerFor(queueUrl);
    const down: RouterDeps = {
      ...healthy.deps,
      teams: new CachedTeamResolver({
        reader: new RoutingTable({
          tableName: tables.routingTable,
          client: DynamoDBDocumentClient.from(closed),
        }),
        ttlSeconds: 0,
      }),
      events: new DynamoDbEventStore(tables.eventsTable, closed),
      guard: new DynamoDbDeliveryGuard({
        client: closed,
        claimsTable: tables.idempotencyTable,
        eventsTable: tables.eventsTable,
        windowSeconds: 3600,
      }),
    };
    const response = await createRouterHandler(() => down)({ Records: records } as SQSEvent);
    expect(failedIds(response)).toEqual(records.map((r) => r.messageId).sort());
    expect(agent.requests).toHaveLength(0);
    // Backed off on the queue, not lost.
    await sleep(2_500);
    expect(await receive(sqs, queueUrl, 1)).toEqual([]);

    // Only the idempotency and events tables down: the routing read works, still nothing is sent.
    const partly: RouterDeps = { ...down, teams: healthy.deps.teams };
    const partial = await createRouterHandler(() => partly)({ Records: records } as SQSEvent);
    expect(partial.batchItemFailures).toHaveLength(2);
    expect(agent.requests).toHaveLength(0);

    const after = records.map((r) => ({
      ...r,
      attributes: { ...r.attributes, ApproximateReceiveCount: "2" },
    }));
    expect(await healthy.invoke(after)).toEqual({ batchItemFailures: [] });
    expect(agent.requests).toHaveLength(2);
    for (const envelope of batch) expect((await events.get(envelope.id))!.status).toBe("delivered");
  });
});
