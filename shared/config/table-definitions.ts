import type { CreateTableCommandInput } from "@aws-sdk/client-dynamodb";
import { EVENTS_TABLE, IDEMPOTENCY_TABLE } from "./resources";

/**
 * CreateTable inputs for the router's tables, built from resources.ts so the local runner and the
 * tests create exactly the key schema, indexes and billing the CDK stack deploys. (TTL is a separate
 * UpdateTimeToLive call: EVENTS_TABLE.ttlAttribute, IDEMPOTENCY_TABLE.ttlAttribute.)
 */

/**
 * The attributes the `by-status` index carries besides the keys: enough to list what happened without
 * copying the (possibly large) stored message bodies into the index.
 */
export const EVENTS_STATUS_INDEX_ATTRIBUTES = [
  "provider",
  "event_type",
  "delivery_key",
  "received_at",
  "correlation_id",
  "org_id",
  "team_node_id",
  "matched_by",
  "attempts",
  "last_error",
  "agent_status",
  "duplicate_of",
] as const;

/** The events table: one outcome item per envelope id, listable by status newest first. */
export function eventsTableDefinition(tableName: string): CreateTableCommandInput {
  const { partitionKey, statusIndex } = EVENTS_TABLE;
  return {
    TableName: tableName,
    BillingMode: "PAY_PER_REQUEST",
    AttributeDefinitions: [
      { AttributeName: partitionKey, AttributeType: "S" },
      { AttributeName: statusIndex.partitionKey, AttributeType: "S" },
      { AttributeName: statusIndex.sortKey, AttributeType: "S" },
    ],
    KeySchema: [{ AttributeName: partitionKey, KeyType: "HASH" }],
    GlobalSecondaryIndexes: [
      {
        IndexName: statusIndex.name,
        KeySchema: [
          { AttributeName: statusIndex.partitionKey, KeyType: "HASH" },
          { AttributeName: statusIndex.sortKey, KeyType: "RANGE" },
        ],
        Projection: { ProjectionType: "INCLUDE", NonKeyAttributes: [...EVENTS_STATUS_INDEX_ATTRIBUTES] },
      },
    ],
  };
}

/** Powertools Idempotency's table: partition key `id`, TTL on `expiration`. */
export function idempotencyTableDefinition(tableName: string): CreateTableCommandInput {
  return {
    TableName: tableName,
    BillingMode: "PAY_PER_REQUEST",
    AttributeDefinitions: [{ AttributeName: IDEMPOTENCY_TABLE.partitionKey, AttributeType: "S" }],
    KeySchema: [{ AttributeName: IDEMPOTENCY_TABLE.partitionKey, KeyType: "HASH" }],
  };
}
