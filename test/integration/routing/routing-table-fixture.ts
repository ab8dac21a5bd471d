import { randomUUID } from "node:crypto";
import { CreateTableCommand, DeleteTableCommand, DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { DynamoDBDocumentClient, ScanCommand } from "@aws-sdk/lib-dynamodb";
import { expect, inject } from "vitest";
import { RoutingTable } from "../../../shared/routing/routing-table";
import { routingTableDefinition } from "../../../shared/routing/routing-table-definition";
import { EMULATOR_CREDENTIALS, EMULATOR_REGION } from "../../support/emulator-credentials";

/** A fresh routing table in the run's DynamoDB Local, with a document client whose sends are counted. */
export async function createTestRoutingTable(label: string) {
  const endpoint = inject("dynamoDbEndpoint");
  const raw = new DynamoDBClient({ endpoint, region: EMULATOR_REGION, credentials: EMULATOR_CREDENTIALS });
  const tableName = `routing-${label}-${randomUUID().slice(0, 8)}`;
  await raw.send(new CreateTableCommand(routingTableDefinition(tableName)));
  const doc = DynamoDBDocumentClient.from(raw, { marshallOptions: { removeUndefinedValues: true } });
  const sent: string[] = [];
  const send = doc.send.bind(doc) as (command: unknown) => Promise<unknown>;
  (doc as unknown as { send: (command: unknown) => Promise<unknown> }).send = (command) => {
    sent.push((command as object).constructor.name);
    return send(command);
  };
  return {
    endpoint,
    tableName,
    doc,
    /** Names of the commands sent through `doc` so far (BatchGetCommand, TransactWriteCommand, …). */
    sent,
    table: (options: Partial<ConstructorParameters<typeof RoutingTable>[0]> = {}) =>
      new RoutingTable({ tableName, client: doc, ...options }),
    async items(): Promise<Record<string, unknown>[]> {
      const items: Record<string, unknown>[] = [];
      let ExclusiveStartKey: Record<string, unknown> | undefined;
      do {
        const page = await doc.send(
          new ScanCommand({ TableName: tableName, ConsistentRead: true, ExclusiveStartKey }),
        );
        items.push(...(page.Items ?? []));
        ExclusiveStartKey = page.LastEvaluatedKey;
      } while (ExclusiveStartKey);
      return items;
    },
    async drop() {
      await raw.send(new DeleteTableCommand({ TableName: tableName }));
      raw.destroy();
    },
  };
}

export type TestRoutingTable = Awaited<ReturnType<typeof createTestRoutingTable>>;

/**
 * The table's invariants: every claim is owned by an existing team that lists it, and every claim a
 * team lists exists and is owned by that team. Returns claim pk → owner for further assertions.
 */
export async function expectConsistent(fixture: TestRoutingTable): Promise<Map<string, string>> {
  const items = await fixture.items();
  const teams = new Map(
    items
      .filter((i) => String(i.pk).startsWith("TEAM#"))
      .map((t) => [
        `${t.org_id}/${t.team_node_id}`,
        (t.claims as { kind: string; value: string }[]).map((c) => `CLAIM#${c.kind}#${c.value}`),
      ]),
  );
  const owners = new Map(
    items
      .filter((i) => String(i.pk).startsWith("CLAIM#"))
      .map((c) => [String(c.pk), `${c.org_id}/${c.team_node_id}`]),
  );
  for (const [pk, owner] of owners) {
    expect(teams.get(owner), `${pk} is owned by ${owner}, which has no team item`).toBeDefined();
    expect(teams.get(owner), `${owner}'s team item does not list ${pk}`).toContain(pk);
  }
  for (const [team, claims] of teams) {
    for (const pk of claims) expect(owners.get(pk), `${team} lists ${pk}`).toBe(team);
  }
  return owners;
}
