/**
 * One team's trouble and one record's bad data cost nobody else anything: the router handler as
 * deployed, on DynamoDB Local and fauxqs, with real local agents that accept, refuse connections,
 * hang, or answer 200 and then stream forever.
 */
import { randomBytes, randomUUID } from "node:crypto";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import type { SQSClient } from "@aws-sdk/client-sqs";
import { DynamoDBDocumentClient } from "@aws-sdk/lib-dynamodb";
import type { SQSEvent, SQSRecord } from "aws-lambda";
import { afterAll, afterEach, beforeAll, describe, expect, inject, it, vi } from "vitest";
import { createRouterHandler } from "../../../functions/router/handler";
import { routerDepsFromEnv } from "../../../functions/router/router-deps-from-env";
import { type RunningFauxqs, startSqsEmulator } from "../../../local/emulators/fauxqs";
import { freePort } from "../../../local/free-port";
import type { HttpAgentClient } from "../../../shared/adapters/http/http-agent-client";
import { splitAgentRequestBody } from "../../../shared/agent/agent-request";
import type { Envelope } from "../../../shared/envelope/envelope";
import { createSqsClient } from "../../../shared/queue/sqs-event-queue";
import type { RouterDeps } from "../../../shared/router/router-deps";
import { RoutingTable } from "../../../shared/routing/routing-table";
import { stubEmulatorEnv } from "../../support/emulator-env";
import { envelopeWith, githubEnvelope, observeRouter, slackEnvelope } from "../../unit/router/router-fakes";
import { type FakeAgent, startFakeAgent } from "./fake-agent";
import {
  createQueue,
  createRouterTables,
  dynamoClient,
  eventsReader,
  lambdaRecord,
  type RouterTables,
  receive,
  sendBodies,
} from "./router-fixture";

const AGENT_SECRET = `whsec_${Buffer.from("isolation-agent-secret").toString("base64")}`;
const HEALTHY_CHANNEL = "C0HEALTHY1";
const BROKEN_CHANNEL = "C0BROKEN01";
const AGENT_TIMEOUT_MS = 500;

let sqsEmulator: RunningFauxqs;
let sqs: SQSClient;
let tables: RouterTables;
let events: ReturnType<typeof eventsReader>;
let routing: RoutingTable;
let healthy: FakeAgent;
let hanging: FakeAgent;
let streaming: { url: string; closed: () => number; close(): Promise<void> };
let refusingUrl: string;
const builtAgents: HttpAgentClient[] = [];

/** Answers 200 at once, then writes body chunks forever; counts connections the client closed. */
async function startStreamingAgent() {
  let closed = 0;
  const server: Server = createServer((req, res) => {
    req.resume();
    req.on("end", () => {
      res.writeHead(200, { "content-type": "text/plain" });
      const timer = setInterval(() => res.write("x".repeat(16 * 1024)), 5);
      res.on("close", () => {
        clearInterval(timer);
        closed += 1;
      });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/stream`,
    closed: () => closed,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

function router(queueUrl: string) {
  const base = routerDepsFromEnv({
    ...process.env,
    QUEUE_URL: queueUrl,
    ROUTING_TABLE: tables.routingTable,
    EVENTS_TABLE: tables.eventsTable,
    IDEMPOTENCY_TABLE: tables.idempotencyTable,
    AGENT_URL: healthy.url,
    AGENT_SIGNING_SECRET: AGENT_SECRET,
    SLACK_BOT_TOKEN: "xoxb-unused",
    SLACK_API_URL: "http://127.0.0.1:9/api",
    AGENT_TIMEOUT_MS: String(AGENT_TIMEOUT_MS),
    ROUTING_CACHE_SECONDS: "0",
    WEBHOOK_PIPELINE_LOCAL: "true",
    // One call at a time per destination, so the breaker's count is exact: calls already waiting
    // for a slot when it opens would otherwise still go.
    AGENT_CONCURRENCY: "1",
  });
  builtAgents.push(base.agent as HttpAgentClient);
  const deps: RouterDeps = { ...base, random: () => 0.5 };
  const handler = createRouterHandler(() => deps);
  return (records: SQSRecord[]) => handler({ Records: records } as SQSEvent);
}

async function onQueue(messages: Array<Envelope | string>) {
  const { queueUrl } = await createQueue(sqs, "isolation");
  await sendBodies(sqs, queueUrl, messages);
  const received = await receive(sqs, queueUrl, messages.length, 30);
  expect(received).toHaveLength(messages.length);
  return { queueUrl, records: received.map((m) => lambdaRecord(m)) };
}

/** Points the broken team at `url`: every test breaks it a different way. */
const breakTeamAt = (url: string) =>
  routing.applyTeam({
    org_id: "acme",
    team_node_id: "broken",
    routing: { slack_channel_ids: [BROKEN_CHANNEL] },
    agent: { url },
  });

beforeAll(async () => {
  sqsEmulator = await startSqsEmulator();
  const dynamoEndpoint = inject("dynamoDbEndpoint");
  stubEmulatorEnv({ sqs: sqsEmulator.endpoint, dynamodb: dynamoEndpoint });
  sqs = createSqsClient();
  const dynamo = dynamoClient(dynamoEndpoint);
  tables = await createRouterTables(dynamo, "isolation");
  events = eventsReader(dynamo, tables.eventsTable);
  routing = new RoutingTable({
    tableName: tables.routingTable,
    client: DynamoDBDocumentClient.from(dynamo, { marshallOptions: { removeUndefinedValues: true } }),
  });
  healthy = await startFakeAgent();
  hanging = await startFakeAgent();
  hanging.behave({ kind: "hang" });
  streaming = await startStreamingAgent();
  refusingUrl = `http://127.0.0.1:${await freePort()}/nobody-listens`;
  await routing.applyTeam({
    org_id: "extend",
    team_node_id: "sre",
    routing: { slack_channel_ids: [HEALTHY_CHANNEL], github_repos: ["extend/api"] },
  });
});

afterEach(() => {
  healthy.reset();
  vi.restoreAllMocks();
});

afterAll(async () => {
  for (const client of builtAgents) client.close();
  vi.unstubAllEnvs();
  await healthy?.close();
  await hanging?.close();
  await streaming?.close();
  await sqsEmulator?.stop();
});

describe("a broken agent delays no other team", () => {
  it.each([
    ["refuses connections", () => refusingUrl, "agent unreachable"],
    ["hangs", () => hanging.url, `did not answer within ${AGENT_TIMEOUT_MS} ms`],
  ])(
    "while one team's agent %s, the healthy team's events are delivered on their first attempt",
    async (_, url, why) => {
      observeRouter();
      await breakTeamAt(url());
      const good = Array.from({ length: 3 }, () => slackEnvelope({}, HEALTHY_CHANNEL));
      const bad = Array.from({ length: 7 }, () => slackEnvelope({}, BROKEN_CHANNEL));
      const { queueUrl, records } = await onQueue([...bad, ...good]);
      const invoke = router(queueUrl);

      const response = await invoke(records);

      for (const e of good)
        expect(await events.get(e.id)).toMatchObject({ status: "delivered", attempts: 1 });
      expect(healthy.requests).toHaveLength(3);
      const failed = new Set(response.batchItemFailures.map((f) => f.itemIdentifier));
      expect(failed.size).toBe(7);
      const badItems = await Promise.all(bad.map((e) => events.get(e.id)));
      expect(badItems.every((i) => i!.status === "retrying")).toBe(true);
      // Five calls fail and open the destination's breaker; the other two are deferred without a call.
      expect(badItems.filter((i) => String(i!.last_error).includes(why))).toHaveLength(5);
      expect(badItems.filter((i) => String(i!.last_error).includes("circuit open"))).toHaveLength(2);

      // The next batch does not call the broken agent at all: its events are deferred at once.
      const before = hanging.requests.length;
      const next = await onQueue([slackEnvelope({}, BROKEN_CHANNEL), slackEnvelope({}, HEALTHY_CHANNEL)]);
      const second = await invoke(next.records);
      expect(second.batchItemFailures).toEqual([{ itemIdentifier: next.records[0]!.messageId }]);
      expect(hanging.requests.length).toBe(before);
      expect(healthy.requests).toHaveLength(4);
    },
  );

  it("an agent that answers 200 and streams forever is delivered, and its connection released", async () => {
    observeRouter();
    await breakTeamAt(streaming.url);
    const streamed = slackEnvelope({}, BROKEN_CHANNEL);
    const good = slackEnvelope({}, HEALTHY_CHANNEL);
    const { queueUrl, records } = await onQueue([streamed, good]);
    const started = Date.now();
    expect(await router(queueUrl)(records)).toEqual({ batchItemFailures: [] });
    expect(await events.get(streamed.id)).toMatchObject({ status: "delivered", agent_status: 200 });
    expect(await events.get(good.id)).toMatchObject({ status: "delivered" });
    await vi.waitFor(() => expect(streaming.closed()).toBe(1));
    expect(Date.now() - started).toBeLessThan(AGENT_TIMEOUT_MS * 4);
  });
});

describe("a record's own bad data affects that record only", () => {
  it("an identifier longer than a key allows ends unrouted; the batch's other records route", async () => {
    const lines = observeRouter().lines;
    const poison = githubEnvelope(`extend/${"r".repeat(3000)}`);
    const good = [githubEnvelope("extend/api"), slackEnvelope({}, HEALTHY_CHANNEL)];
    const { queueUrl, records } = await onQueue([poison, ...good]);
    expect(await router(queueUrl)(records)).toEqual({ batchItemFailures: [] });
    const item = await events.get(poison.id);
    expect(item).toMatchObject({ status: "unrouted", provider: "github" });
    expect(String(item!.last_error)).toMatch(/github_repo/);
    for (const e of good) expect((await events.get(e.id))!.status).toBe("delivered");
    expect(lines.find((l) => l.fields.event_id === poison.id)!.fields.skipped_identifiers).toHaveLength(1);
  });

  it("fields too large for one item are trimmed in the record, which is written after the agent has it", async () => {
    observeRouter();
    const huge = () => randomBytes(200_000).toString("base64"); // ~267 KB each, incompressible
    const envelope = envelopeWith(
      {
        provider: "generic",
        route: "/webhooks/generic/{source}",
        source: "monitor",
        event_type: huge(),
        delivery_key: huge(),
      },
      JSON.stringify({ service: "checkout", note: huge() }),
    );
    await routing.applyTeam({
      org_id: "extend",
      team_node_id: "checkout",
      routing: { services: ["checkout"] },
    });
    const { queueUrl, records } = await onQueue([JSON.stringify(envelope)]);
    expect(await router(queueUrl)(records)).toEqual({ batchItemFailures: [] });
    expect(healthy.requests).toHaveLength(1);
    const item = await events.get(envelope.id);
    expect(item).toMatchObject({ status: "delivered", team_node_id: "checkout" });
    expect(String(item!.event_type)).toMatch(/more characters\]$/);
  });

  it("a payload nested 5,000 deep with big integers reaches the agent byte for byte", async () => {
    observeRouter();
    const text = `{"event":{"channel":"${HEALTHY_CHANNEL}"},"id":12345678901234567890 ,"deep":${"[".repeat(5000)}0.10${"]".repeat(5000)}}`;
    const envelope = envelopeWith({ delivery_key: randomUUID() }, text);
    const { queueUrl, records } = await onQueue([envelope]);
    expect(await router(queueUrl)(records)).toEqual({ batchItemFailures: [] });
    expect(splitAgentRequestBody(healthy.requests[0]!.raw.toString("utf8"))!.payloadText).toBe(text);
  });
});
