import { describe, expect, it } from "vitest";
import { EVENTS_TABLE, IDEMPOTENCY_TABLE } from "../../../shared/config/resources";
import { eventsTableDefinition, idempotencyTableDefinition } from "../../../shared/config/table-definitions";

describe("table definitions", () => {
  it("events: on-demand, keyed by event id, with the sparse status index", () => {
    const def = eventsTableDefinition("events-x");
    expect(def).toMatchObject({
      TableName: "events-x",
      BillingMode: "PAY_PER_REQUEST",
      KeySchema: [{ AttributeName: EVENTS_TABLE.partitionKey, KeyType: "HASH" }],
    });
    expect(def.GlobalSecondaryIndexes?.[0]).toMatchObject({
      IndexName: "by-listed-status",
      KeySchema: [
        { AttributeName: "listed_status", KeyType: "HASH" },
        { AttributeName: "updated_at", KeyType: "RANGE" },
      ],
    });
  });

  it("idempotency: the delivery guard's claims, keyed by delivery key", () => {
    expect(idempotencyTableDefinition("idem")).toMatchObject({
      TableName: "idem",
      BillingMode: "PAY_PER_REQUEST",
      KeySchema: [{ AttributeName: IDEMPOTENCY_TABLE.partitionKey, KeyType: "HASH" }],
    });
  });
});
