import type { CreateTableCommandInput } from "@aws-sdk/client-dynamodb";
import { ROUTING_TABLE } from "../config/resources";

/**
 * The CreateTable input of the routing table, built from ROUTING_TABLE: `pk` hash key, on-demand
 * billing, and the sparse `teams` index (`gsi1pk`, `pk`) that lists team items. The local runner and
 * the tests create the table with this; the CDK stack builds the same shape from the same constants.
 */
export function routingTableDefinition(tableName: string): CreateTableCommandInput {
  const { partitionKey, teamIndex } = ROUTING_TABLE;
  return {
    TableName: tableName,
    BillingMode: "PAY_PER_REQUEST",
    AttributeDefinitions: [
      { AttributeName: partitionKey, AttributeType: "S" },
      { AttributeName: teamIndex.partitionKey, AttributeType: "S" },
    ],
    KeySchema: [{ AttributeName: partitionKey, KeyType: "HASH" }],
    GlobalSecondaryIndexes: [
      {
        IndexName: teamIndex.name,
        KeySchema: [
          { AttributeName: teamIndex.partitionKey, KeyType: "HASH" },
          { AttributeName: teamIndex.sortKey, KeyType: "RANGE" },
        ],
        Projection: { ProjectionType: "ALL" },
      },
    ],
  };
}
