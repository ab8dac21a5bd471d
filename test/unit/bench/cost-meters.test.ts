import { describe, expect, it } from "vitest";
import { DynamoDbMeter } from "../../../bench/cost/dynamodb-meter";
import { indexWriteUnits } from "../../../bench/cost/dynamodb-units";
import { type Item, itemSize, readUnits, writeUnits } from "../../../bench/cost/item-size";
import type { ObservedExchange } from "../../../bench/cost/meter-proxy";
import { accessLogBytes, platformBytesPerInvocation } from "../../../bench/cost/platform-logs";
import { meterSqs } from "../../../bench/cost/sqs-meter";
import type { FunctionFacts, TableFacts } from "../../../bench/cost/stack-facts";
import { Tally } from "../../../bench/cost/tally";

const s = (value: string) => ({ S: value });

const events: TableFacts = {
  logicalId: "Events",
  partitionKey: "event_id",
  indexes: [
    {
      name: "by-status",
      partitionKey: "status",
      sortKey: "updated_at",
      projection: "INCLUDE",
      include: ["provider"],
    },
  ],
  pitr: true,
  ttlAttribute: "expires_at",
  tableClass: "STANDARD",
};

const exchange = (
  target: string,
  request: unknown,
  response: unknown = {},
  status = 200,
): ObservedExchange => ({
  headers: { "x-amz-target": target },
  requestBody: Buffer.from(JSON.stringify(request)),
  status,
  responseBody: Buffer.from(JSON.stringify(response)),
});

describe("DynamoDB item sizes and units", () => {
  it("follows DynamoDB's size rules", () => {
    // Names count; strings by UTF-8 bytes; numbers by significant digits; maps and lists 3 + 1 per element.
    expect(itemSize({ id: s("abc") })).toBe(2 + 3);
    expect(itemSize({ é: s("€") })).toBe(2 + 3);
    expect(itemSize({ n: { N: "12345" } })).toBe(1 + 3 + 1);
    expect(itemSize({ n: { N: "0.00100" } })).toBe(1 + 1 + 1);
    expect(itemSize({ b: { BOOL: true }, z: { NULL: true } })).toBe(2 + 2);
    expect(itemSize({ m: { M: { k: s("v") } } })).toBe(1 + 3 + (1 + 1 + 1));
    expect(itemSize({ l: { L: [s("ab"), s("c")] } })).toBe(1 + 3 + (2 + 1) + (1 + 1));
    expect(itemSize({ b: { B: Buffer.from("four").toString("base64") } })).toBe(1 + 4);
  });

  it("charges 1 write unit per KB started and half a read unit per 4 KB eventually consistent", () => {
    expect(writeUnits(1)).toBe(1);
    expect(writeUnits(1024)).toBe(1);
    expect(writeUnits(1025)).toBe(2);
    expect(writeUnits(27_000)).toBe(27);
    expect(writeUnits(500, true)).toBe(2);
    expect(readUnits(0, "eventual")).toBe(0.5);
    expect(readUnits(4097, "eventual")).toBe(1);
    expect(readUnits(4096, "strong")).toBe(1);
    expect(readUnits(100, "transactional")).toBe(2);
  });

  it("writes an index only when an item enters, leaves or changes in it", () => {
    const base = { event_id: s("e1"), provider: s("github"), body: s("x".repeat(2000)) };
    const failed = { ...base, status: s("failed"), updated_at: s("t1") };
    expect(indexWriteUnits(undefined, base, events.indexes[0]!, events)).toBe(0);
    expect(indexWriteUnits(undefined, failed, events.indexes[0]!, events)).toBe(1);
    expect(indexWriteUnits(failed, { ...failed, body: s("y") }, events.indexes[0]!, events)).toBe(0);
    expect(indexWriteUnits(failed, { ...failed, status: s("dead") }, events.indexes[0]!, events)).toBe(2);
    expect(indexWriteUnits(failed, base, events.indexes[0]!, events)).toBe(1);
  });
});

describe("the DynamoDB meter", () => {
  const meter = (stored: Map<string, Item>) => {
    const tally = new Tally();
    const dynamodb = new DynamoDbMeter(tally, new Map([["local-events", events]]), async (_, key) =>
      stored.get(JSON.stringify(key)),
    );
    return { tally, dynamodb };
  };

  it("charges a put by the item, its index entry, and an update by the larger of before and after", async () => {
    const stored = new Map<string, Item>();
    const { tally, dynamodb } = meter(stored);
    const big = { event_id: s("e1"), status: s("failed"), updated_at: s("t1"), body: s("x".repeat(3000)) };
    dynamodb.observe(exchange("DynamoDB_20120810.PutItem", { TableName: "local-events", Item: big }));
    const small = { event_id: s("e1"), status: s("failed"), updated_at: s("t2") };
    stored.set(JSON.stringify({ event_id: s("e1") }), small);
    dynamodb.observe(
      exchange("DynamoDB_20120810.UpdateItem", { TableName: "local-events", Key: { event_id: s("e1") } }),
    );
    await dynamodb.settled();
    const counts = tally.snapshot();
    expect(counts["ddb:PutItem"]).toBe(1);
    expect(counts["ddb:UpdateItem"]).toBe(1);
    // 3 KB put + an update charged on the 3 KB item it replaced.
    expect(counts["ddb.wru:Events"]).toBe(3 + 3);
    // Entered the index, then its sort key changed (delete + put).
    expect(counts["ddb.wru:Events/by-status"]).toBe(1 + 2);
  });

  it("charges a failed conditional put on the existing item and changes nothing", () => {
    const { tally, dynamodb } = meter(new Map());
    const item = { event_id: s("e1"), note: s("x".repeat(1500)) };
    dynamodb.observe(exchange("DynamoDB_20120810.PutItem", { TableName: "local-events", Item: item }));
    dynamodb.observe(
      exchange(
        "DynamoDB_20120810.PutItem",
        { TableName: "local-events", Item: { event_id: s("e1") } },
        { __type: "ConditionalCheckFailedException" },
        400,
      ),
    );
    expect(tally.snapshot()["ddb.wru:Events"]).toBe(2 + 2);
  });

  it("charges reads by the item read, half for eventually consistent, the minimum for a miss", () => {
    const { tally, dynamodb } = meter(new Map());
    const item = { event_id: s("e1"), note: s("x".repeat(5000)) };
    dynamodb.observe(
      exchange("DynamoDB_20120810.GetItem", { TableName: "local-events", Key: {} }, { Item: item }),
    );
    dynamodb.observe(
      exchange("DynamoDB_20120810.GetItem", { TableName: "local-events", Key: {}, ConsistentRead: true }),
    );
    expect(tally.snapshot()["ddb.rru:Events"]).toBe(1 + 1);
  });
});

describe("the SQS meter", () => {
  it("bills each 64 KB chunk and leaves empty receives apart", () => {
    const tally = new Tally();
    const body = "x".repeat(26_000);
    meterSqs(exchange("AmazonSQS.SendMessage", { MessageBody: body }), tally);
    const busy = meterSqs(
      exchange(
        "AmazonSQS.ReceiveMessage",
        {},
        { Messages: Array.from({ length: 10 }, () => ({ Body: body })) },
      ),
      tally,
    );
    const idle = meterSqs(exchange("AmazonSQS.ReceiveMessage", {}, {}), tally);
    meterSqs(exchange("AmazonSQS.DeleteMessageBatch", {}, { Successful: [{}, {}] }), tally);
    expect([busy, idle]).toEqual([true, false]);
    const counts = tally.snapshot();
    // 1 send + 260 KB received in 4 chunks + 1 delete; the empty receive is not billed here.
    expect(counts["sqs.billed"]).toBe(1 + 4 + 1);
    expect(counts["sqs.emptyReceives"]).toBe(1);
    expect(counts["sqs.deleted"]).toBe(2);
  });
});

describe("modelled log bytes", () => {
  const fn = (overrides: Partial<FunctionFacts>): FunctionFacts => ({
    logicalId: "Fn",
    memoryMb: 256,
    architecture: "arm64",
    tracing: "Active",
    logFormat: "Text",
    logClass: "STANDARD",
    env: {},
    secrets: 0,
    ...overrides,
  });

  it("writes Lambda's own lines unless the JSON format's system log level is WARN", () => {
    const text = platformBytesPerInvocation(fn({}));
    expect(text).toBeGreaterThan(300);
    expect(text).toBeLessThan(420);
    expect(platformBytesPerInvocation(fn({ tracing: "PassThrough" }))).toBeLessThan(text);
    expect(platformBytesPerInvocation(fn({ logFormat: "JSON", systemLogLevel: "WARN" }))).toBe(0);
    expect(platformBytesPerInvocation(fn({ logFormat: "JSON", systemLogLevel: "INFO" }))).toBeGreaterThan(
      300,
    );
  });

  it("renders the access log format with the request's values", () => {
    const format = '{"status":"$context.status","len":"$context.responseLength","x":"$context.unknownThing"}';
    const bytes = accessLogBytes(format, {
      path: "/webhooks/github",
      status: 200,
      responseBytes: 57,
      userAgent: "ua",
    });
    expect(bytes).toBe(Buffer.byteLength('{"status":"200","len":"57","x":"-"}') + 1);
  });
});
