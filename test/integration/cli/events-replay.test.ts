/**
 * `events replay` end to end: the real router handler on fauxqs and DynamoDB Local delivers to a
 * local HTTP agent that first refuses (400, permanent: recorded `failed` and remembered by the
 * idempotency guard), then recovers. Replay must get the event to the agent exactly once, and must not
 * duplicate a delivered one.
 */
import { randomUUID } from "node:crypto";
import { SendMessageCommand } from "@aws-sdk/client-sqs";
import { GetCommand, PutCommand } from "@aws-sdk/lib-dynamodb";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DynamoDbEventStore } from "../../../shared/adapters/dynamodb/dynamodb-event-store";
import { IDEMPOTENCY_TABLE } from "../../../shared/config/resources";
import { namespacedDeliveryKey } from "../../../shared/envelope/delivery-key";
import type { Envelope } from "../../../shared/envelope/envelope";
import { slackEnvelope } from "../../unit/router/router-fakes";
import { type FakeAgent, startFakeAgent } from "../router/fake-agent";
import { type FakeSlack, startFakeSlack } from "../router/fake-slack";
import { eventsReader } from "../router/router-fixture";
import { type OpsFixture, stackFree, startOpsFixture, startRouter, type TestRouter } from "./ops-fixture";

const CHANNEL = "C0REPLAYIT1";
const UNCLAIMED = "C0REPLAYNONE";

let fx: OpsFixture;
let agent: FakeAgent;
let slack: FakeSlack;
let router: TestRouter;
let events: ReturnType<typeof eventsReader>;

beforeAll(async () => {
  fx = await startOpsFixture("replay");
  agent = await startFakeAgent();
  slack = await startFakeSlack();
  await fx.applyTeam({
    org_id: "extend",
    team_node_id: "extend-sre",
    routing: { slack_channel_ids: [CHANNEL] },
  });
  router = startRouter(fx, { agentUrl: agent.url, slackApiUrl: slack.apiUrl });
  events = eventsReader(fx.dynamo, fx.tables.eventsTable);
});

afterAll(async () => {
  router?.close();
  await agent?.close();
  await slack?.close();
  await fx?.stop();
});

/** Puts an envelope on the webhook queue the way ingest does, and lets the router handle it. */
async function ingestAndRoute(envelope: Envelope) {
  await fx.sqs.send(new SendMessageCommand({ QueueUrl: fx.queueUrl, MessageBody: JSON.stringify(envelope) }));
  return router.drain();
}

const callsFor = (envelope: Envelope) => agent.requests.filter((r) => r.json.id === envelope.id);

const idempotencyRecord = async (envelope: Envelope) =>
  (
    await fx.doc.send(
      new GetCommand({
        TableName: fx.tables.idempotencyTable,
        Key: {
          [IDEMPOTENCY_TABLE.partitionKey]: namespacedDeliveryKey(envelope),
        },
        ConsistentRead: true,
      }),
    )
  ).Item;

describe("events replay (real router, DynamoDB Local, fauxqs, local agent)", () => {
  const envelope = slackEnvelope({}, CHANNEL);

  it("replays a failed event once the agent recovers: the agent gets it exactly once", async () => {
    agent.behave({ kind: "fail", status: 400 });
    const first = await ingestAndRoute(envelope);
    expect(first.response.batchItemFailures).toEqual([]);
    expect(await events.get(envelope.id)).toMatchObject({ status: "failed", agent_status: 400 });
    expect(callsFor(envelope)).toHaveLength(1);
    // The permanent answer is remembered like a delivery: the claim on the key the CLI computes.
    expect(await idempotencyRecord(envelope)).toMatchObject({ event_id: envelope.id });

    // Without replay, a redelivery of the same message is answered from the guard: the agent is not asked.
    agent.behave({ kind: "ok" });
    await ingestAndRoute(envelope);
    expect(callsFor(envelope)).toHaveLength(1);
    expect(await events.get(envelope.id)).toMatchObject({ status: "failed" });

    const replayed = await fx.cli(["events", "replay", envelope.id]);
    expect(replayed).toMatchObject({ code: 0, stderr: "" });
    expect(replayed.stdout).toContain(`replayed event ${envelope.id} (was failed)`);
    expect(replayed.stdout).toContain(
      `delivery ${namespacedDeliveryKey(envelope)}: forgot its idempotency record (answered, failed, agent answered 400)`,
    );
    expect(await idempotencyRecord(envelope)).toBeUndefined();
    // The recorded body, byte for byte, with the attributes ingest sets.
    expect(fx.bodies(fx.queueUrl)).toEqual([JSON.stringify(envelope)]);

    const second = await router.drain();
    expect(second.messages[0]!.MessageAttributes).toMatchObject({
      provider: { StringValue: "slack" },
      delivery_key: { StringValue: envelope.delivery_key },
      correlation_id: { StringValue: envelope.correlation_id },
    });
    expect(second.response.batchItemFailures).toEqual([]);
    const calls = callsFor(envelope);
    expect(calls).toHaveLength(2); // the refused 400, then the one delivery
    expect(calls[1]!.json).toMatchObject({ id: envelope.id, delivery_key: namespacedDeliveryKey(envelope) });
    expect(await events.get(envelope.id)).toMatchObject({ status: "delivered", agent_status: 202 });
    expect(fx.bodies(fx.queueUrl)).toEqual([]);
  });

  it("refuses to replay a delivered event, and the intact guard keeps the agent from a second copy", async () => {
    const refused = await fx.cli(["events", "replay", envelope.id]);
    expect(refused.code).toBe(1);
    expect(refused.stdout).toBe("");
    expect(refused.stderr).toContain(`error: event ${envelope.id} was already delivered to the agent`);
    expect(refused.stderr).toContain("Pass --force");
    expect(stackFree(refused.stderr)).toBe(true);
    expect(fx.bodies(fx.queueUrl)).toEqual([]);
    expect(await idempotencyRecord(envelope)).toMatchObject({ event_id: envelope.id });

    // The same message again (a provider retry, an SQS redelivery): the guard answers, the agent is not called.
    await ingestAndRoute(envelope);
    expect(callsFor(envelope)).toHaveLength(2);
    expect(await events.get(envelope.id)).toMatchObject({ status: "delivered" });
  });

  it("--force of a delivered event says its body is not kept (delivered events keep none)", async () => {
    const forced = await fx.cli(["events", "replay", envelope.id, "--force"]);
    expect(forced.code).toBe(1);
    expect(forced.stderr).toContain(
      `the message body of event ${envelope.id} is not kept for delivered events`,
    );
    expect(forced.stderr).toContain("ask the provider to redeliver it");
    expect(fx.bodies(fx.queueUrl)).toEqual([]);
    expect(callsFor(envelope)).toHaveLength(2);
  });

  it("refuses a delivery key already delivered under another event id (a provider retry) without --force", async () => {
    const original = slackEnvelope({}, CHANNEL);
    await ingestAndRoute(original);
    // A provider retry of the same delivery recorded as failed under its own event id.
    const retry = { ...original, id: randomUUID() };
    await new DynamoDbEventStore(fx.tables.eventsTable, fx.dynamo).record({
      event_id: retry.id,
      status: "failed",
      message_id: "m-1",
      attempts: 1,
      provider: "slack",
      delivery_key: retry.delivery_key,
      body: JSON.stringify(retry),
    });
    const refused = await fx.cli(["events", "replay", retry.id]);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain(
      `delivery ${namespacedDeliveryKey(original)} was already delivered to the agent as event ${original.id}`,
    );
    expect(fx.bodies(fx.queueUrl)).toEqual([]);
  });

  it("replays an unrouted event once a team claims it", async () => {
    const lost = slackEnvelope({}, UNCLAIMED);
    await ingestAndRoute(lost);
    expect(await events.get(lost.id)).toMatchObject({ status: "unrouted" });
    expect(callsFor(lost)).toHaveLength(0);
    await fx.applyTeam({
      org_id: "extend",
      team_node_id: "late",
      routing: { slack_channel_ids: [UNCLAIMED] },
    });

    const replayed = await fx.cli(["events", "replay", lost.id]);
    expect(replayed.code).toBe(0);
    expect(replayed.stdout).toContain("no idempotency record, the router delivers it as new");
    await router.drain();
    expect(callsFor(lost)).toHaveLength(1);
    expect(await events.get(lost.id)).toMatchObject({ status: "delivered", team_node_id: "late" });
  });

  it("an unknown event, an unstored body and missing configuration fail with clear messages", async () => {
    const unknown = await fx.cli(["events", "replay", "00000000-0000-4000-8000-000000000000"]);
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toContain(
      `error: no event 00000000-0000-4000-8000-000000000000 in the events table '${fx.tables.eventsTable}'`,
    );

    const huge = slackEnvelope({}, CHANNEL);
    await fx.doc.send(
      new PutCommand({
        TableName: fx.tables.eventsTable,
        Item: {
          event_id: huge.id,
          status: "dead",
          updated_at: new Date().toISOString(),
          body_stored: false,
          body_bytes: 9_000_000,
        },
      }),
    );
    const unstored = await fx.cli(["events", "replay", huge.id]);
    expect(unstored.code).toBe(1);
    expect(unstored.stderr).toContain(`the message body of event ${huge.id} was not stored (9000000 bytes`);

    const noQueue = await fx.cli(["events", "replay", envelope.id], {
      env: { ...fx.cliEnv, QUEUE_URL: undefined },
    });
    expect(noQueue.code).toBe(2);
    expect(noQueue.stderr).toContain(
      "error: no webhook queue: pass --queue-url URL, set QUEUE_URL, or use --local",
    );

    const failed = slackEnvelope({}, CHANNEL);
    await new DynamoDbEventStore(fx.tables.eventsTable, fx.dynamo).record({
      event_id: failed.id,
      status: "failed",
      message_id: "m-2",
      attempts: 1,
      body: JSON.stringify(failed),
    });
    const noIdempotency = await fx.cli(["events", "replay", failed.id], {
      env: { ...fx.cliEnv, IDEMPOTENCY_TABLE: undefined },
    });
    expect(noIdempotency.code).toBe(2);
    expect(noIdempotency.stderr).toContain(
      "error: no idempotency table: pass --idempotency-table NAME, set IDEMPOTENCY_TABLE",
    );
    expect(fx.bodies(fx.queueUrl)).toEqual([]);

    const queueDown = await fx.cli(["events", "replay", failed.id, "--sqs-endpoint", "http://127.0.0.1:9"]);
    expect(queueDown.code).toBe(1);
    expect(queueDown.stderr).toContain("cannot reach SQS at http://127.0.0.1:9");
    expect(stackFree(queueDown.stderr)).toBe(true);
  });

  it("refuses a retrying event without --force: it is still on the queue", async () => {
    const busy = slackEnvelope({}, CHANNEL);
    agent.behave({ kind: "fail", status: 503 });
    const first = await ingestAndRoute(busy);
    agent.behave({ kind: "ok" });
    expect(first.response.batchItemFailures).toHaveLength(1);
    expect(await events.get(busy.id)).toMatchObject({ status: "retrying" });
    const refused = await fx.cli(["events", "replay", busy.id]);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain("is still on the queue being retried");
  });
});
