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
  "status",
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
  // Request records (the audit trail) and their flood summaries.
  "reason",
  "route",
  "status_code",
  "source",
  "source_ip",
  "suppressed",
] as const;

interface IndexShape {
  name: string;
  partitionKey: string;
  sortKey: string;
  /** Non-key attributes the index carries; all of them when absent. */
  include?: readonly string[];
}

/** An on-demand table with a string hash key and, optionally, one string-keyed global index. */
export function onDemandTable(
  tableName: string,
  partitionKey: string,
  index?: IndexShape,
): CreateTableCommandInput {
  const keys = index ? [partitionKey, index.partitionKey, index.sortKey] : [partitionKey];
  return {
    TableName: tableName,
    BillingMode: "PAY_PER_REQUEST",
    AttributeDefinitions: [...new Set(keys)].map((name) => ({ AttributeName: name, AttributeType: "S" })),
    KeySchema: [{ AttributeName: partitionKey, KeyType: "HASH" }],
    ...(index
      ? {
          GlobalSecondaryIndexes: [
            {
              IndexName: index.name,
              KeySchema: [
                { AttributeName: index.partitionKey, KeyType: "HASH" },
                { AttributeName: index.sortKey, KeyType: "RANGE" },
              ],
              Projection: index.include
                ? { ProjectionType: "INCLUDE", NonKeyAttributes: [...index.include] }
                : { ProjectionType: "ALL" },
            },
          ],
        }
      : {}),
  };
}

/** The events table: one outcome item per envelope id, listable by status newest first. */
export function eventsTableDefinition(tableName: string): CreateTableCommandInput {
  return onDemandTable(tableName, EVENTS_TABLE.partitionKey, {
    ...EVENTS_TABLE.statusIndex,
    include: EVENTS_STATUS_INDEX_ATTRIBUTES,
  });
}

/** The delivery guard's claims: partition key `id` (the namespaced delivery key), TTL on `expiration`. */
export function idempotencyTableDefinition(tableName: string): CreateTableCommandInput {
  return onDemandTable(tableName, IDEMPOTENCY_TABLE.partitionKey);
}
