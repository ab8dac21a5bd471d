/**
 * The delivery guard on DynamoDB Local: a claim per namespaced delivery key, answered by the holder's
 * own outcome record in the events table, taken over only when the holder gave up or ran out
 * without an answer, and by one copy only.
 */
import { randomUUID } from "node:crypto";
import type { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { beforeAll, describe, expect, inject, it } from "vitest";
import { DynamoDbDeliveryGuard } from "../../../shared/adapters/dynamodb/dynamodb-delivery-guard";
import { DynamoDbEventStore } from "../../../shared/adapters/dynamodb/dynamodb-event-store";
import type { EventOutcome } from "../../../shared/events/event-outcome";
import { createRouterTables, dynamoClient, type RouterTables } from "./router-fixture";

let client: DynamoDBClient;
let tables: RouterTables;
let events: DynamoDbEventStore;

beforeAll(async () => {
  client = dynamoClient(inject("dynamoDbEndpoint"));
  tables = await createRouterTables(client, "guard");
  events = new DynamoDbEventStore(tables.eventsTable, client);
});

const guard = (now: () => number = Date.now, windowSeconds = 3600) =>
  new DynamoDbDeliveryGuard({
    client,
    claimsTable: tables.idempotencyTable,
    eventsTable: tables.eventsTable,
    windowSeconds,
    now,
  });

const answer = (eventId: string, status: EventOutcome["status"], agentStatus?: number) =>
  events.record({
    event_id: eventId,
    status,
    message_id: "m",
    attempts: 1,
    body: "{}",
    ...(agentStatus ? { agent_status: agentStatus } : {}),
  });

const key = () => `/webhooks/github:${randomUUID()}`;
const HOLD = 10_000;

describe("DynamoDbDeliveryGuard", () => {
  it("lets one event claim a key; a copy waits while it is held, then finds it delivered", async () => {
    const k = key();
    const [a, b] = [randomUUID(), randomUUID()];
    expect(await guard().claim(k, a, HOLD)).toEqual({ kind: "claimed" });
    expect(await guard().claim(k, b, HOLD)).toEqual({ kind: "in_progress", holder: a });
    await answer(a, "delivered", 202);
    expect(await guard().claim(k, b, HOLD)).toEqual({
      kind: "handled",
      original: { event_id: a, outcome: "delivered", agent_status: 202 },
    });
    // Even after the claim has run out, a delivered key stays handled for the whole window.
    expect(await guard(() => Date.now() + HOLD * 2).claim(k, b, HOLD)).toMatchObject({ kind: "handled" });
  });

  it("remembers a refusal: a copy of a key the agent refused for good is not sent again", async () => {
    const k = key();
    const a = randomUUID();
    await guard().claim(k, a, HOLD);
    await answer(a, "failed", 422);
    expect(await guard().claim(k, randomUUID(), HOLD)).toMatchObject({
      kind: "handled",
      original: { outcome: "failed", agent_status: 422 },
    });
  });

  it("a released claim (retryable failure) is taken at once by the next copy or the holder's own retry", async () => {
    const k = key();
    const a = randomUUID();
    await guard().claim(k, a, HOLD);
    await answer(a, "retrying");
    await guard().release(k, a);
    expect(await guard().claim(k, a, HOLD)).toEqual({ kind: "claimed" });
    await guard().release(k, a);
    const b = randomUUID();
    expect(await guard().claim(k, b, HOLD)).toEqual({ kind: "claimed" });
    // The first event's later retry finds the copy holding it.
    expect(await guard().claim(k, a, HOLD)).toEqual({ kind: "in_progress", holder: b });
  });

  it("a claim that ran out without an answer (the holder crashed) is taken over by exactly one copy", async () => {
    const k = key();
    await guard().claim(k, randomUUID(), 1);
    const later = () => Date.now() + 1_000;
    const copies = Array.from({ length: 5 }, () => randomUUID());
    const claims = await Promise.all(copies.map((id) => guard(later).claim(k, id, HOLD)));
    expect(claims.filter((c) => c.kind === "claimed")).toHaveLength(1);
    expect(claims.filter((c) => c.kind === "in_progress")).toHaveLength(4);
  });

  it("a key past the idempotency window counts as never seen", async () => {
    const k = key();
    const a = randomUUID();
    await guard().claim(k, a, HOLD);
    await answer(a, "delivered", 200);
    const afterWindow = () => Date.now() + 2 * 3600_000;
    expect(await guard(afterWindow).claim(k, randomUUID(), HOLD)).toEqual({ kind: "claimed" });
  });

  it("answers copies from memory when the holder's answer could not be recorded", async () => {
    const k = key();
    const a = randomUUID();
    const g = guard();
    await g.claim(k, a, 1);
    g.remember(k, { event_id: a, outcome: "delivered", agent_status: 200 });
    // No outcome record, and the claim has run out: only memory stands between the copy and a resend.
    expect(await g.claim(k, randomUUID(), HOLD)).toMatchObject({
      kind: "handled",
      original: { event_id: a },
    });
  });

  it("surfaces an unreachable table as an error (the router defers the event)", async () => {
    const down = new DynamoDbDeliveryGuard({
      client: dynamoClient("http://127.0.0.1:9", 1),
      claimsTable: tables.idempotencyTable,
      eventsTable: tables.eventsTable,
      windowSeconds: 3600,
    });
    await expect(down.claim(key(), randomUUID(), HOLD)).rejects.toThrow();
    await expect(down.release(key(), randomUUID())).resolves.toBeUndefined();
  });
});
