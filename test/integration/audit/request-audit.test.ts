/**
 * The audit trail of requests ingest answered itself, on DynamoDB Local: each one a record an
 * operator lists by status, a flood capped per source and reason per minute with the rest counted,
 * and never a body, signature or secret.
 */
import { randomUUID } from "node:crypto";
import type { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { DynamoDBDocumentClient } from "@aws-sdk/lib-dynamodb";
import { beforeAll, describe, expect, inject, it } from "vitest";
import { DynamoDbRequestAudit } from "../../../shared/adapters/dynamodb/dynamodb-request-audit";
import type { RequestRecord } from "../../../shared/audit/request-record";
import { eventStats } from "../../../shared/operations/event-stats";
import { EventsTableReader } from "../../../shared/operations/events-table-reader";
import { createRouterTables, dynamoClient } from "../router/router-fixture";

let client: DynamoDBClient;
let table: string;
let reader: EventsTableReader;

beforeAll(async () => {
  client = dynamoClient(inject("dynamoDbEndpoint"));
  table = (await createRouterTables(client, "audit")).eventsTable;
  reader = new EventsTableReader(DynamoDBDocumentClient.from(client), table);
});

const refused = (over: Partial<RequestRecord> = {}): RequestRecord => ({
  status: "rejected",
  reason: "bad_signature",
  status_code: 401,
  provider: "github",
  route: "/webhooks/github",
  event_type: "push",
  delivery_key: randomUUID(),
  source_ip: "203.0.113.9",
  user_agent: "GitHub-Hookshot/abc",
  correlation_id: `req-${randomUUID()}`,
  received_at: new Date().toISOString(),
  ...over,
});

const audit = (perMinute = 5, onError: (p: string) => void = () => undefined) =>
  new DynamoDbRequestAudit({ client, tableName: table, retentionDays: 7, perMinute, onError });

describe("DynamoDbRequestAudit", () => {
  it("keeps a refused request as a record listed by status, found by its correlation id, expiring in 7 days", async () => {
    const a = audit();
    const entry = refused();
    a.record(entry);
    await a.flush();
    const item = await reader.get(`request:${entry.correlation_id}`);
    expect(item).toMatchObject({ status: "rejected", reason: "bad_signature", source_ip: "203.0.113.9" });
    expect(Number(item!.expires_at) - Date.now() / 1000).toBeGreaterThan(6.9 * 86_400);
    expect(Number(item!.expires_at) - Date.now() / 1000).toBeLessThan(7.1 * 86_400);
    expect(item).not.toHaveProperty("body");
    const page = await reader.list({ statuses: ["rejected"], limit: 50 });
    expect(page.events.map((e) => e.event_id)).toContain(`request:${entry.correlation_id}`);
  });

  it("under a flood keeps 5 a minute per source and reason, and counts the rest in one summary", async () => {
    const a = audit(5);
    const source = `flood-${randomUUID().slice(0, 8)}`;
    for (let i = 0; i < 200; i++) a.record(refused({ provider: "generic", source }));
    a.record(refused({ provider: "generic", source, status: "ignored", reason: "ping", status_code: 200 }));
    await a.flush();
    const since = new Date(Date.now() - 60_000).toISOString();
    const rows = (await reader.statusesSince(since)).filter((r) => r.provider === "generic");
    const stats = eventStats(rows, since);
    // 200 refused requests, every one counted, though only 5 records and one summary were written.
    expect(stats.total.rejected).toBeGreaterThanOrEqual(200);
    expect(stats.total.ignored).toBeGreaterThanOrEqual(1);
    const listed = await reader.list({ statuses: ["rejected"], limit: 1000, provider: "generic" });
    const ours = listed.events as unknown as Array<Record<string, unknown>>;
    expect(ours.filter((e) => e.source === source)).toHaveLength(5);
    const summary = ours.find((e) => String(e.event_id).includes(source));
    expect(summary).toMatchObject({ status: "rejected", reason: "bad_signature", suppressed: 195 });
  });

  it("never makes the caller wait, and reports a failed write instead of throwing", async () => {
    const problems: string[] = [];
    const down = new DynamoDbRequestAudit({
      client: dynamoClient("http://127.0.0.1:9", 1),
      tableName: table,
      retentionDays: 7,
      perMinute: 5,
      onError: (p) => problems.push(p),
    });
    expect(down.record(refused())).toBeUndefined();
    expect(problems).toEqual([]); // returned before the write was even answered
    await down.flush();
    expect(problems).toEqual([expect.stringContaining("could not write an audit record")]);
  });
});
