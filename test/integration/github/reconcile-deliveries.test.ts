/**
 * The reconciliation over its real adapters: the fake GitHub through Octokit, and the pipeline's
 * tables on DynamoDB Local (the delivery guard's claims and the events table's outcomes for what
 * was accepted, the events table for the redelivery ledger).
 */
import { randomUUID } from "node:crypto";
import type { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { DynamoDBDocumentClient, GetCommand } from "@aws-sdk/lib-dynamodb";
import { afterEach, beforeAll, beforeEach, describe, expect, inject, it, vi } from "vitest";
import { DynamoDbDeliveryGuard } from "../../../shared/adapters/dynamodb/dynamodb-delivery-guard";
import { DynamoDbEventStore } from "../../../shared/adapters/dynamodb/dynamodb-event-store";
import { createDynamoDbReconcileStores } from "../../../shared/adapters/github/dynamodb-reconcile-stores";
import { redeliveryRecordId } from "../../../shared/adapters/github/dynamodb-redelivery-ledger";
import { createGitHubDeliveries } from "../../../shared/adapters/github/github-deliveries-client";
import { EVENTS_TABLE } from "../../../shared/config/resources";
import type { EventOutcome } from "../../../shared/events/event-outcome";
import { reconcileDeliveries } from "../../../shared/github/reconcile-deliveries";
import { FakeGitHub } from "../../support/fake-github/fake-github-server";
import { createRouterTables, dynamoClient, eventsReader, type RouterTables } from "../router/router-fixture";
import { appKeyPair } from "./github-keys";

const APP_ID = "31337";
const keys = appKeyPair();
const minutesAgo = (m: number) => new Date(Date.now() - m * 60_000);

let client: DynamoDBClient;
let doc: DynamoDBDocumentClient;
let tables: RouterTables;
let fake: FakeGitHub;

beforeAll(async () => {
  client = dynamoClient(inject("dynamoDbEndpoint"));
  doc = DynamoDBDocumentClient.from(client, { marshallOptions: { removeUndefinedValues: true } });
  tables = await createRouterTables(client, "reconcile");
});

beforeEach(async () => {
  fake = await new FakeGitHub({ app: { appId: APP_ID, publicKey: keys.publicKey } }).start();
});

afterEach(async () => {
  expect(fake.shapeProblems).toEqual([]);
  await fake.stop();
});

const deps = (now?: () => number) => ({
  github: createGitHubDeliveries({
    apiUrl: fake.url,
    app: { appId: APP_ID, privateKey: keys.privateKeyPem },
    pacing: { writeIntervalMs: 0 },
  }),
  ...createDynamoDbReconcileStores({ doc, ...tables, ...(now ? { now } : {}) }),
});

const reconcile = (options: { dryRun?: boolean; now?: Date } = {}) =>
  reconcileDeliveries(options.now ? deps(() => options.now!.getTime()) : deps(), {
    since: minutesAgo(24 * 60),
    dryRun: options.dryRun ?? false,
    max: 50,
    ...(options.now ? { now: () => options.now! } : {}),
  });

const guard = (now = Date.now, windowSeconds = 3600) =>
  new DynamoDbDeliveryGuard({
    client,
    claimsTable: tables.idempotencyTable,
    eventsTable: tables.eventsTable,
    windowSeconds,
    now,
  });
const outcome = (
  guid: string,
  status: EventOutcome["status"],
  provider: EventOutcome["provider"] = "github",
) => {
  const eventId = randomUUID();
  return new DynamoDbEventStore(tables.eventsTable, client)
    .record({
      event_id: eventId,
      status,
      message_id: "m",
      attempts: 1,
      provider,
      delivery_key: guid,
      body: "{}",
    })
    .then(() => eventId);
};
const claim = async (guid: string, status: EventOutcome["status"], g = guard()) => {
  const eventId = await outcome(guid, status);
  await g.claim(`/webhooks/github:${guid}`, eventId, 10_000);
  if (status === "retrying") await g.release(`/webhooks/github:${guid}`, eventId);
};
const ledgerItem = async (guid: string) =>
  (
    await doc.send(
      new GetCommand({
        TableName: tables.eventsTable,
        Key: { [EVENTS_TABLE.partitionKey]: redeliveryRecordId(guid) },
      }),
    )
  ).Item;
const posts = () => fake.requests.filter((r) => r.method === "POST").map((r) => Number(r.path.split("/")[4]));
const failed = (guid: string, minutes: number, statusCode = 503) =>
  fake.addAttempt({ guid, statusCode, deliveredAt: minutesAgo(minutes) });

describe("reconcileDeliveries on the pipeline's tables and the fake GitHub", () => {
  it("redelivers only what neither GitHub nor the pipeline has, and records each request in the events table", async () => {
    const g = Object.fromEntries(
      ["lost", "healed", "delivered", "unrouted", "retrying", "slackOnly", "expiredClaim"].map((n) => [
        n,
        `${n}-${randomUUID()}`,
      ]),
    ) as Record<string, string>;
    const lost = failed(g.lost!, 300);
    failed(g.healed!, 290, 500);
    fake.addAttempt({ guid: g.healed!, statusCode: 200, deliveredAt: minutesAgo(280), redelivery: true });
    failed(g.delivered!, 270, 0);
    await claim(g.delivered!, "delivered");
    failed(g.unrouted!, 260, 504);
    await outcome(g.unrouted!, "unrouted");
    failed(g.retrying!, 250);
    await claim(g.retrying!, "retrying");
    // Another provider's record with the same delivery id is no evidence about GitHub's delivery.
    const slackOnly = failed(g.slackOnly!, 240);
    await outcome(g.slackOnly!, "unrouted", "slack");
    // A claim past its idempotency window counts as never seen.
    const expired = failed(g.expiredClaim!, 230);
    await claim(
      g.expiredClaim!,
      "delivered",
      guard(() => Date.now() - 7_200_000, 60),
    );

    const report = await reconcile();
    expect(report.rows.map((r) => [r.guid, r.firstStatus, r.attempts, r.did])).toEqual([
      [g.lost, 503, 1, "redelivered"],
      [g.healed, 500, 2, "succeeded"],
      [g.delivered, 0, 1, "accepted_by_pipeline"],
      [g.unrouted, 504, 1, "accepted_by_pipeline"],
      [g.retrying, 503, 1, "accepted_by_pipeline"],
      [g.slackOnly, 503, 1, "redelivered"],
      [g.expiredClaim, 503, 1, "redelivered"],
    ]);
    expect(report).toMatchObject({ foundFailed: 3, requested: 3, failed: 0 });
    expect(posts()).toEqual([lost.id, slackOnly.id, expired.id]);

    const record = await ledgerItem(g.lost!);
    expect(record).toMatchObject({
      status: "redelivery_requested",
      listed_status: "redelivery_requested",
      provider: "github",
      route: "/webhooks/github",
      delivery_key: g.lost,
      event_type: "pull_request",
      action: "opened",
      github_delivery_id: lost.id,
      first_status: 503,
      github_attempts: 1,
    });
    expect(record?.expires_at).toBeGreaterThan(Date.now() / 1000 + 29 * 86_400);
    const listed = await eventsReader(client, tables.eventsTable).byStatus("redelivery_requested");
    expect(listed.map((i) => i.delivery_key)).toEqual(
      expect.arrayContaining([g.lost, g.slackOnly, g.expiredClaim]),
    );
  });

  it("a second run within the hour asks nothing again; one past the hour asks again", async () => {
    const guid = `again-${randomUUID()}`;
    failed(guid, 100);
    expect((await reconcile()).rows.find((r) => r.guid === guid)?.did).toBe("redelivered");
    await fake.settled();
    // The fake's redelivery failed too (no webhook URL): a new failed attempt, marked redelivery.
    const second = await reconcile();
    expect(second.rows.find((r) => r.guid === guid)).toMatchObject({
      attempts: 2,
      did: "redelivered_recently",
    });
    expect(posts()).toHaveLength(1);
    const later = await reconcile({ now: new Date(Date.now() + 61 * 60_000) });
    expect(later.rows.find((r) => r.guid === guid)?.did).toBe("redelivered");
    expect(posts()).toHaveLength(2);
  });

  it("two runs at once redeliver a guid once", async () => {
    const guids = Array.from({ length: 5 }, () => `race-${randomUUID()}`);
    for (const [i, guid] of guids.entries()) failed(guid, 50 + i);
    const [a, b] = await Promise.all([reconcile(), reconcile()]);
    const did = (r: typeof a) => r.rows.filter((row) => guids.includes(row.guid)).map((row) => row.did);
    expect([...did(a), ...did(b)].filter((d) => d === "redelivered")).toHaveLength(5);
    expect([...did(a), ...did(b)].filter((d) => d === "redelivered_recently")).toHaveLength(5);
    expect(new Set(posts()).size).toBe(5);
    expect(posts()).toHaveLength(5);
  });

  it("a redelivery GitHub refuses is kept as refused with its reason, and tried again by the next run", async () => {
    const guid = `refused-${randomUUID()}`;
    const item = failed(guid, 20);
    fake.refuseRedelivery(item.id, 422);
    const report = await reconcile();
    expect(report.rows.find((r) => r.guid === guid)).toMatchObject({
      did: "redelivery_failed",
      detail: expect.stringContaining("GitHub answered 422"),
    });
    expect(report.failed).toBe(1);
    expect(await ledgerItem(guid)).toMatchObject({
      status: "redelivery_refused",
      listed_status: "redelivery_refused",
      reason: expect.stringContaining("422"),
    });
    expect((await reconcile()).rows.find((r) => r.guid === guid)?.did).toBe("redelivery_failed");
    expect(posts().filter((id) => id === item.id)).toHaveLength(2);
  });

  it("reads the claimless outcomes once per run, however many deliveries failed (reads are paid)", async () => {
    const guids = Array.from({ length: 6 }, () => `cost-${randomUUID()}`);
    for (const [i, guid] of guids.entries()) failed(guid, 30 + i);
    await outcome(guids[0]!, "dead");
    const send = vi.spyOn(doc, "send");
    const report = await reconcile({ dryRun: true });
    const commands = send.mock.calls.map(([command]) => command.constructor.name);
    send.mockRestore();
    expect(report.rows.find((r) => r.guid === guids[0])?.did).toBe("accepted_by_pipeline");
    // One index query per claimless status for the whole run; per failed guid one claim read and one ledger read.
    expect(commands.filter((c) => c === "QueryCommand")).toHaveLength(4);
    expect(commands.filter((c) => c === "GetCommand").length).toBeLessThanOrEqual(
      report.rows.filter((r) => r.did !== "succeeded").length * 2,
    );
  });

  it("a claimed delivery is accepted on the claim alone: its holder's outcome is not read (reads are paid)", async () => {
    const guid = `claimed-${randomUUID()}`;
    failed(guid, 40);
    const holder = await outcome(guid, "delivered");
    await guard().claim(`/webhooks/github:${guid}`, holder, 10_000);
    const send = vi.spyOn(doc, "send");
    const report = await reconcile({ dryRun: true });
    const reads = send.mock.calls
      .map(([command]) => command)
      .filter((command) => command instanceof GetCommand)
      .map((command) => (command as GetCommand).input.Key?.[EVENTS_TABLE.partitionKey]);
    send.mockRestore();
    expect(report.rows.find((r) => r.guid === guid)?.did).toBe("accepted_by_pipeline");
    expect(reads).not.toContain(holder);
  });

  it("--dry-run writes nothing and asks GitHub for nothing", async () => {
    const guid = `dry-${randomUUID()}`;
    failed(guid, 10);
    const report = await reconcile({ dryRun: true });
    expect(report.rows.find((r) => r.guid === guid)?.did).toBe("would_redeliver");
    expect(posts()).toEqual([]);
    expect(await ledgerItem(guid)).toBeUndefined();
  });
});
