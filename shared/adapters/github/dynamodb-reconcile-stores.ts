import type { DynamoDBDocumentClient } from "@aws-sdk/lib-dynamodb";
import type { AcceptedDeliveries } from "../../github/accepted-deliveries";
import type { RedeliveryLedger } from "../../github/redelivery-ledger";
import { DynamoDbAcceptedDeliveries } from "./dynamodb-accepted-deliveries";
import { DynamoDbRedeliveryLedger } from "./dynamodb-redelivery-ledger";

export interface DynamoDbReconcileStoresConfig {
  doc: DynamoDBDocumentClient;
  /** The router's events table: outcomes read, redelivery records written. */
  eventsTable: string;
  /** The delivery guard's claims: read only. */
  idempotencyTable: string;
  now?: () => number;
}

/** The reconciliation's two ports onto the pipeline's own tables. */
export function createDynamoDbReconcileStores(config: DynamoDbReconcileStoresConfig): {
  accepted: AcceptedDeliveries;
  ledger: RedeliveryLedger;
} {
  return {
    accepted: new DynamoDbAcceptedDeliveries(
      config.doc,
      config.eventsTable,
      config.idempotencyTable,
      config.now,
    ),
    ledger: new DynamoDbRedeliveryLedger(config.doc, config.eventsTable, config.now),
  };
}
