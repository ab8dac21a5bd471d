import { DynamoDBClient, TransactionCanceledException } from "@aws-sdk/client-dynamodb";
import {
  BatchGetCommand,
  DynamoDBDocumentClient,
  GetCommand,
  TransactWriteCommand,
} from "@aws-sdk/lib-dynamodb";
import { mockClient } from "aws-sdk-client-mock";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { claimPk } from "../../../shared/routing/claims";
import {
  ClaimConflictError,
  TransactionTooLargeError,
  UnprocessedKeysError,
} from "../../../shared/routing/routing-errors";
import { RoutingTable } from "../../../shared/routing/routing-table";
import { routingTableDefinition } from "../../../shared/routing/routing-table-definition";

const ddb = mockClient(DynamoDBDocumentClient);
const TABLE = "routing-unit";

const claimItem = (kind: string, value: string, team = "sre") => ({
  pk: `CLAIM#${kind}#${value}`,
  type: "claim",
  kind,
  value,
  org_id: "acme",
  team_node_id: team,
  updated_at: "2025-01-01T00:00:00.000Z",
});

function table(delays: number[] = []) {
  return new RoutingTable({
    tableName: TABLE,
    client: DynamoDBDocumentClient.from(new DynamoDBClient({ region: "us-east-1" })),
    sleep: async (ms) => {
      delays.push(ms);
    },
    random: () => 1,
    batchGetRetry: { maxAttempts: 5, baseDelayMs: 10, maxDelayMs: 1_000 },
  });
}

const keysOf = (call: number) =>
  (ddb.commandCalls(BatchGetCommand)[call]!.args[0].input.RequestItems![TABLE]!.Keys ?? []).map((k) => k.pk);

beforeEach(() => ddb.reset());
afterEach(() => ddb.reset());

describe("RoutingTable.getClaims", () => {
  it("retries UnprocessedKeys with exponential backoff until all are read", async () => {
    const delays: number[] = [];
    ddb
      .on(BatchGetCommand)
      .resolvesOnce({
        Responses: { [TABLE]: [claimItem("slack_channel_id", "C1")] },
        UnprocessedKeys: {
          [TABLE]: { Keys: [{ pk: "CLAIM#github_repo#o/r" }, { pk: "CLAIM#service#payment" }] },
        },
      })
      .resolvesOnce({
        Responses: { [TABLE]: [claimItem("github_repo", "o/r")] },
        UnprocessedKeys: { [TABLE]: { Keys: [{ pk: "CLAIM#service#payment" }] } },
      })
      .resolvesOnce({
        Responses: { [TABLE]: [claimItem("service", "payment", "payments")] },
        UnprocessedKeys: {},
      });

    const claims = await table(delays).getClaims([
      { kind: "slack_channel_id", value: "C1" },
      { kind: "github_repo", value: "o/r" },
      { kind: "service", value: "payment" },
    ]);

    expect(claims.map((c) => [c.kind, c.team_node_id])).toEqual([
      ["slack_channel_id", "sre"],
      ["github_repo", "sre"],
      ["service", "payments"],
    ]);
    expect(ddb.commandCalls(BatchGetCommand)).toHaveLength(3);
    expect(keysOf(1)).toEqual(["CLAIM#github_repo#o/r", "CLAIM#service#payment"]);
    expect(keysOf(2)).toEqual(["CLAIM#service#payment"]);
    expect(delays).toEqual([10, 20]);
  });

  it("gives up after the bounded attempts with UnprocessedKeysError", async () => {
    const delays: number[] = [];
    ddb
      .on(BatchGetCommand)
      .resolves({ Responses: {}, UnprocessedKeys: { [TABLE]: { Keys: [{ pk: "CLAIM#service#x" }] } } });
    await expect(table(delays).getClaims([{ kind: "service", value: "x" }])).rejects.toBeInstanceOf(
      UnprocessedKeysError,
    );
    expect(ddb.commandCalls(BatchGetCommand)).toHaveLength(5);
    expect(delays).toEqual([10, 20, 40, 80]);
  });

  it("reads in chunks of 100 distinct keys", async () => {
    ddb.on(BatchGetCommand).resolves({ Responses: { [TABLE]: [] } });
    const refs = Array.from({ length: 250 }, (_, i) => ({ kind: "service" as const, value: `svc-${i}` }));
    expect(await table().getClaims([...refs, ...refs.slice(0, 10)])).toEqual([]);
    const sizes = ddb.commandCalls(BatchGetCommand).map((_, i) => keysOf(i).length);
    expect(sizes).toEqual([100, 100, 50]);
    expect(new Set(ddb.commandCalls(BatchGetCommand).flatMap((_, i) => keysOf(i))).size).toBe(250);
  });

  it("never sends an identifier too long to be a key, so the others of the batch are read", async () => {
    ddb.on(BatchGetCommand).resolves({ Responses: { [TABLE]: [claimItem("service", "payment")] } });
    const claims = await table().getClaims([
      { kind: "github_repo", value: "x".repeat(3000) },
      { kind: "service", value: "payment" },
    ]);
    expect(claims.map((c) => c.value)).toEqual(["payment"]);
    expect(keysOf(0)).toEqual(["CLAIM#service#payment"]);
    expect(await table().getClaims([{ kind: "github_repo", value: "x".repeat(3000) }])).toEqual([]);
    expect(await table().getClaim({ kind: "github_repo", value: "x".repeat(3000) })).toBeUndefined();
    expect(ddb.calls()).toHaveLength(1);
  });

  it("reads a claim's agent and notify settings back, only the fields set", async () => {
    ddb.on(BatchGetCommand).resolves({
      Responses: {
        [TABLE]: [
          {
            ...claimItem("service", "a"),
            agent: { token_secret: "agents/a" },
            notify: { slack_channel: "CA1" },
          },
          { ...claimItem("service", "b"), agent: { url: "https://b.example.com", token_secret: 7 } },
          claimItem("service", "c"),
        ],
      },
    });
    const claims = await table().getClaims(
      ["a", "b", "c"].map((value) => ({ kind: "service" as const, value })),
    );
    expect(claims.map(({ agent, notify }) => ({ agent, notify }))).toEqual([
      { agent: { token_secret: "agents/a" }, notify: { slack_channel: "CA1" } },
      { agent: { url: "https://b.example.com" }, notify: undefined },
      { agent: undefined, notify: undefined },
    ]);
    expect(claims[2]).not.toHaveProperty("agent");
  });

  it("makes no call for no identifiers", async () => {
    expect(await table().getClaims([])).toEqual([]);
    expect(ddb.calls()).toHaveLength(0);
  });
});

describe("RoutingTable.applyTeam (mocked)", () => {
  const config = { org_id: "acme", team_node_id: "sre", routing: { slack_channel_ids: ["C1"] } };
  const cancelled = (...codes: string[]) =>
    new TransactionCanceledException({
      message: "Transaction cancelled",
      $metadata: {},
      CancellationReasons: codes.map((Code) => ({ Code })),
    });

  it("writes the team item and the claims in one conditional transaction", async () => {
    ddb.on(GetCommand).resolves({});
    ddb.on(TransactWriteCommand).resolves({});
    const result = await table().applyTeam(config);
    expect(result.created).toBe(true);
    const items = ddb.commandCalls(TransactWriteCommand)[0]!.args[0].input.TransactItems!;
    expect(items).toHaveLength(2);
    expect(items[0]!.Put!.Item).toMatchObject({ pk: "TEAM#acme#sre", gsi1pk: "TEAM", version: 1 });
    expect(items[0]!.Put!.ConditionExpression).toBe("attribute_not_exists(#pk)");
    expect(items[1]!.Put!.Item).toMatchObject({
      pk: "CLAIM#slack_channel_id#C1",
      org_id: "acme",
      team_node_id: "sre",
    });
    expect(items[1]!.Put!.ConditionExpression).toBe(
      "attribute_not_exists(#pk) OR (#org = :org AND #team = :team)",
    );
  });

  it("stores agent and notify settings on the team item and on every claim", async () => {
    ddb.on(GetCommand).resolves({});
    ddb.on(TransactWriteCommand).resolves({});
    const result = await table().applyTeam({
      ...config,
      routing: { slack_channel_ids: ["C1"], services: ["payment"] },
      agent: { token_secret: "agents/sre" },
      notify: { slack_channel: "CNOTICE" },
    });
    const settings = { agent: { token_secret: "agents/sre" }, notify: { slack_channel: "CNOTICE" } };
    expect(result.team).toMatchObject(settings);
    const items = ddb.commandCalls(TransactWriteCommand)[0]!.args[0].input.TransactItems!;
    expect(items.map((i) => ({ agent: i.Put!.Item!.agent, notify: i.Put!.Item!.notify }))).toEqual([
      settings,
      settings,
      settings,
    ]);
  });

  it("retries a transaction cancelled by a concurrent writer (TransactionConflict)", async () => {
    ddb.on(GetCommand).resolves({});
    ddb.on(TransactWriteCommand).rejectsOnce(cancelled("None", "TransactionConflict")).resolves({});
    await table().applyTeam(config);
    expect(ddb.commandCalls(TransactWriteCommand)).toHaveLength(2);
  });

  it("turns a failed claim condition into ClaimConflictError naming the owner", async () => {
    ddb.on(GetCommand, { Key: { pk: "TEAM#acme#sre" } }).resolves({});
    ddb.on(GetCommand, { Key: { pk: claimPk({ kind: "slack_channel_id", value: "C1" }) } }).resolves({
      Item: claimItem("slack_channel_id", "C1", "other-team"),
    });
    ddb.on(TransactWriteCommand).rejects(cancelled("None", "ConditionalCheckFailed"));
    const error = await table()
      .applyTeam(config)
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ClaimConflictError);
    expect((error as Error).message).toContain("slack_channel_id C1 is already claimed by acme/other-team");
    expect(ddb.commandCalls(TransactWriteCommand)).toHaveLength(1);
  });

  it("rethrows other failures untouched", async () => {
    ddb.on(GetCommand).resolves({});
    ddb.on(TransactWriteCommand).rejects(new Error("ProvisionedThroughputExceeded"));
    await expect(table().applyTeam(config)).rejects.toThrow("ProvisionedThroughputExceeded");
  });

  it("refuses a change that does not fit in one transaction", async () => {
    const old = Array.from({ length: 60 }, (_, i) => ({ kind: "service", value: `old-${i}` }));
    ddb.on(GetCommand).resolves({
      Item: {
        pk: "TEAM#acme#sre",
        org_id: "acme",
        team_node_id: "sre",
        routing: {},
        claims: old,
        version: 3,
      },
    });
    const services = Array.from({ length: 60 }, (_, i) => `new-${i}`);
    const error = await table()
      .applyTeam({ org_id: "acme", team_node_id: "sre", routing: { services } })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TransactionTooLargeError);
    expect((error as Error).message).toMatch(/needs 121 writes \(1 team item, 60 claims, 60 removals\)/);
    expect(ddb.commandCalls(TransactWriteCommand)).toHaveLength(0);
  });
});

describe("routingTableDefinition", () => {
  it("builds the routing table from ROUTING_TABLE: pk, on-demand, sparse teams index", () => {
    expect(routingTableDefinition("routing")).toEqual({
      TableName: "routing",
      BillingMode: "PAY_PER_REQUEST",
      AttributeDefinitions: [
        { AttributeName: "pk", AttributeType: "S" },
        { AttributeName: "gsi1pk", AttributeType: "S" },
      ],
      KeySchema: [{ AttributeName: "pk", KeyType: "HASH" }],
      GlobalSecondaryIndexes: [
        {
          IndexName: "teams",
          KeySchema: [
            { AttributeName: "gsi1pk", KeyType: "HASH" },
            { AttributeName: "pk", KeyType: "RANGE" },
          ],
          Projection: { ProjectionType: "ALL" },
        },
      ],
    });
  });
});
