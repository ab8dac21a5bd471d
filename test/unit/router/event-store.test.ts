import { randomBytes } from "node:crypto";
import { ConditionalCheckFailedException, DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { DynamoDBDocumentClient, PutCommand } from "@aws-sdk/lib-dynamodb";
import { mockClient } from "aws-sdk-client-mock";
import { afterEach, describe, expect, it } from "vitest";
import { DynamoDbEventStore } from "../../../shared/adapters/dynamodb/dynamodb-event-store";
import { EVENTS_TABLE } from "../../../shared/config/resources";
import {
  bodyAttributes,
  eventItem,
  MAX_STORED_BODY_BYTES,
  storedBody,
} from "../../../shared/events/event-item";
import type { EventOutcome } from "../../../shared/events/event-outcome";

const NOW = new Date("2025-03-01T12:00:00.000Z");

const outcome: EventOutcome = {
  event_id: "6f1c1f52-8a57-4d9b-9a36-0d6a7c1f0e11",
  status: "delivered",
  message_id: "m-1",
  attempts: 2,
  provider: "github",
  event_type: "issues",
  delivery_key: "d-1",
  received_at: "2025-03-01T11:59:59.000Z",
  correlation_id: "req-1",
  identifiers: { github_repo: "acme/api" },
  org_id: "acme",
  team_node_id: "api",
  matched_by: "github_repo",
  agent_status: 202,
  body: '{"v":1}',
};

describe("eventItem", () => {
  it("keys a delivered item by event id, outside the status index, without the body, under 1 KB", () => {
    const item = eventItem({ ...outcome, body: "b".repeat(30_000) }, NOW);
    expect(item).toMatchObject({
      [EVENTS_TABLE.partitionKey]: outcome.event_id,
      status: "delivered",
      [EVENTS_TABLE.statusIndex.sortKey]: "2025-03-01T12:00:00.000Z",
      body_bytes: 30_000,
    });
    expect(item).not.toHaveProperty(EVENTS_TABLE.statusIndex.partitionKey);
    expect(item).not.toHaveProperty("body");
    expect(Buffer.byteLength(JSON.stringify(item))).toBeLessThan(1024);
  });

  it("keeps a delivered record for the delivered retention, any other for the events table's", () => {
    const epoch = Math.floor(NOW.getTime() / 1000);
    expect(eventItem(outcome, NOW)[EVENTS_TABLE.ttlAttribute]).toBe(
      epoch + EVENTS_TABLE.deliveredRetentionDays * 86_400,
    );
    expect(eventItem(outcome, NOW, 2)[EVENTS_TABLE.ttlAttribute]).toBe(epoch + 2 * 86_400);
    for (const status of ["failed", "dead", "unrouted", "rejected", "duplicate", "retrying"] as const) {
      expect(eventItem({ ...outcome, status }, NOW, 2)[EVENTS_TABLE.ttlAttribute], status).toBe(
        epoch + EVENTS_TABLE.retentionDays * 86_400,
      );
    }
  });

  it("keeps the body of an event that may need a replay, and lists it by status", () => {
    const item = eventItem({ ...outcome, status: "failed" }, NOW);
    expect(item).toMatchObject({
      [EVENTS_TABLE.partitionKey]: outcome.event_id,
      [EVENTS_TABLE.statusIndex.partitionKey]: "failed",
      [EVENTS_TABLE.statusIndex.sortKey]: "2025-03-01T12:00:00.000Z",
      [EVENTS_TABLE.ttlAttribute]: Math.floor(NOW.getTime() / 1000) + EVENTS_TABLE.retentionDays * 86_400,
      provider: "github",
      attempts: 2,
      org_id: "acme",
      body: '{"v":1}',
      body_stored: true,
    });
  });

  it("caps a long last_error and leaves out empty identifiers", () => {
    const item = eventItem({ ...outcome, identifiers: {}, last_error: "e".repeat(5000) }, NOW);
    expect(item.last_error).toMatch(/^e{1000}…\[4000 more characters\]$/);
    expect(item).not.toHaveProperty("identifiers");
  });

  it("trims sender-controlled fields and fits the body in the room left, so the item stays under 400 KB", () => {
    const huge = "x".repeat(500_000);
    const item = eventItem(
      {
        ...outcome,
        status: "dead",
        event_type: huge,
        delivery_key: huge,
        action: huge,
        identifiers: { github_repo: huge, service: huge },
        body: "b".repeat(MAX_STORED_BODY_BYTES),
      },
      NOW,
    );
    expect(item.event_type).toMatch(/^x{1024}…\[498976 more characters\]$/);
    expect((item.identifiers as Record<string, string>).github_repo).toHaveLength(
      (item.event_type as string).length,
    );
    expect(Buffer.byteLength(JSON.stringify(item), "utf8")).toBeLessThan(400 * 1024);
    expect(item.body_stored).toBe(true); // a run of one letter gzips into the room left
    expect(storedBody(item)).toHaveLength(MAX_STORED_BODY_BYTES);
  });
});

describe("bodyAttributes / storedBody", () => {
  it("keeps a body that fits as a string", () => {
    const body = JSON.stringify({ text: "é".repeat(1000) });
    expect(storedBody(bodyAttributes(body))).toBe(body);
  });

  it("gzips a body too large for an item when that makes it fit", () => {
    const body = JSON.stringify({ text: "a".repeat(MAX_STORED_BODY_BYTES + 10) });
    const attributes = bodyAttributes(body);
    expect(attributes).not.toHaveProperty("body");
    expect(attributes.body_gzip).toBeInstanceOf(Uint8Array);
    expect(storedBody(attributes)).toBe(body);
  });

  it("marks an incompressible oversized body as not stored", () => {
    const body = randomBytes(MAX_STORED_BODY_BYTES).toString("base64");
    const attributes = bodyAttributes(body);
    expect(attributes).toMatchObject({ body_stored: false, body_bytes: body.length });
    expect(storedBody(attributes)).toBeUndefined();
  });
});

describe("DynamoDbEventStore", () => {
  const dynamo = mockClient(DynamoDBDocumentClient);
  afterEach(() => dynamo.reset());

  it("puts the item, never overwriting a delivered outcome with another status", async () => {
    dynamo.on(PutCommand).resolves({});
    await new DynamoDbEventStore("events", new DynamoDBClient({}), () => NOW).record({
      ...outcome,
      status: "retrying",
    });
    const input = dynamo.commandCalls(PutCommand)[0]!.args[0].input;
    expect(input.TableName).toBe("events");
    expect(input.Item).toMatchObject({ event_id: outcome.event_id, status: "retrying" });
    expect(input.ConditionExpression).toContain("<> :delivered");
  });

  it("writes a delivered item with the retention it was given", async () => {
    dynamo.on(PutCommand).resolves({});
    await new DynamoDbEventStore("events", new DynamoDBClient({}), () => NOW, 3).record(outcome);
    const input = dynamo.commandCalls(PutCommand)[0]!.args[0].input;
    expect(input.Item![EVENTS_TABLE.ttlAttribute]).toBe(Math.floor(NOW.getTime() / 1000) + 3 * 86_400);
  });

  it("treats a refused overwrite of a delivered outcome as done", async () => {
    dynamo.on(PutCommand).rejects(new ConditionalCheckFailedException({ message: "no", $metadata: {} }));
    await expect(
      new DynamoDbEventStore("events").record({ ...outcome, status: "retrying" }),
    ).resolves.toBeUndefined();
  });

  it("throws when the table cannot be written, so the record is retried", async () => {
    dynamo.on(PutCommand).rejects(new Error("ServiceUnavailable"));
    await expect(new DynamoDbEventStore("events").record(outcome)).rejects.toThrow("ServiceUnavailable");
  });
});
