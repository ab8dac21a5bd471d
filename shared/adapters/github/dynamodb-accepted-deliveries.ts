import type { DynamoDBDocumentClient } from "@aws-sdk/lib-dynamodb";
import type { EventStatus } from "../../events/event-outcome";
import type { AcceptedDeliveries } from "../../github/accepted-deliveries";
import { deliveryKeyOfGuid } from "../../github/github-delivery-key";
import { DeliveryRecords } from "../../operations/delivery-records";
import { EventsTableReader } from "../../operations/events-table-reader";

/**
 * The outcomes an accepted event can end with while its delivery guard holds no claim: never
 * routed, refused by the router, given back to the queue after a retryable failure, dead-lettered.
 */
const UNCLAIMED_OUTCOMES: readonly EventStatus[] = ["unrouted", "rejected", "retrying", "dead"];

/**
 * What the pipeline accepted, read from the router's tables: first the delivery guard's claim on
 * the key (one read; a delivered or duplicate event always has one), then, only when there is none,
 * the events table's outcomes since the window began, by the status index (sparse, a few items).
 */
export class DynamoDbAcceptedDeliveries implements AcceptedDeliveries {
  private readonly claims: DeliveryRecords;
  private readonly events: EventsTableReader;

  constructor(
    doc: DynamoDBDocumentClient,
    eventsTable: string,
    idempotencyTable: string,
    now?: () => number,
  ) {
    this.claims = new DeliveryRecords(doc, idempotencyTable, eventsTable, now);
    this.events = new EventsTableReader(doc, eventsTable);
  }

  async accepted(guid: string, since: Date): Promise<boolean> {
    const claim = await this.claims.get(deliveryKeyOfGuid(guid));
    if (claim && !claim.expired) return true;
    const { events } = await this.events.list({
      statuses: UNCLAIMED_OUTCOMES,
      provider: "github",
      delivery_key: guid,
      since: since.toISOString(),
      limit: 1,
    });
    return events.length > 0;
  }
}
