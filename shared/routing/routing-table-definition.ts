import type { CreateTableCommandInput } from "@aws-sdk/client-dynamodb";
import { ROUTING_TABLE } from "../config/resources";
import { onDemandTable } from "../config/table-definitions";

/**
 * The CreateTable input of the routing table, built from ROUTING_TABLE: `pk` hash key, on-demand
 * billing, and the sparse `teams` index (`gsi1pk`, `pk`) that lists team items. The local runner and
 * the tests create the table with this; the CDK stack builds the same shape from the same constants.
 */
export function routingTableDefinition(tableName: string): CreateTableCommandInput {
  return onDemandTable(tableName, ROUTING_TABLE.partitionKey, ROUTING_TABLE.teamIndex);
}
