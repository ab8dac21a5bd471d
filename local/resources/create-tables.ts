import {
  CreateTableCommand,
  type CreateTableCommandInput,
  type DynamoDBClient,
  ResourceInUseException,
  UpdateTimeToLiveCommand,
} from "@aws-sdk/client-dynamodb";
import { EVENTS_TABLE, IDEMPOTENCY_TABLE } from "../../shared/config/resources";
import { eventsTableDefinition, idempotencyTableDefinition } from "../../shared/config/table-definitions";
import { routingTableDefinition } from "../../shared/routing/routing-table-definition";

export interface LocalTables {
  routingTable: string;
  eventsTable: string;
  idempotencyTable: string;
}

async function ensureTable(
  client: DynamoDBClient,
  definition: CreateTableCommandInput,
  ttlAttribute?: string,
) {
  try {
    await client.send(new CreateTableCommand(definition));
  } catch (error) {
    // A persisted database (`--persist`) already has its tables.
    if (error instanceof ResourceInUseException) return;
    throw error;
  }
  if (ttlAttribute) {
    await client.send(
      new UpdateTimeToLiveCommand({
        TableName: definition.TableName,
        TimeToLiveSpecification: { AttributeName: ttlAttribute, Enabled: true },
      }),
    );
  }
}

/** The routing, events and idempotency tables, with the stack's key schemas (shared/config/resources.ts). */
export async function createPipelineTables(client: DynamoDBClient, prefix: string): Promise<LocalTables> {
  const tables = {
    routingTable: `${prefix}-routing`,
    eventsTable: `${prefix}-events`,
    idempotencyTable: `${prefix}-idempotency`,
  };
  await ensureTable(client, routingTableDefinition(tables.routingTable));
  await ensureTable(client, eventsTableDefinition(tables.eventsTable), EVENTS_TABLE.ttlAttribute);
  await ensureTable(
    client,
    idempotencyTableDefinition(tables.idempotencyTable),
    IDEMPOTENCY_TABLE.ttlAttribute,
  );
  return tables;
}
