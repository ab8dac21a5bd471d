import type { DynamoDBDocumentClient } from "@aws-sdk/lib-dynamodb";
import type { EventStatus } from "../../events/event-outcome";
import type { AcceptedDeliveries } from "../../github/accepted-deliveries";
import { deliveryKeyOfGuid } from "../../github/github-delivery-key";
import { DeliveryRecords } from "../../operations/delivery-records";
import { EventsTableReader, type ListCursor } from "../../operations/events-table-reader";

/**
 * The outcomes an accepted event can end with while its delivery guard holds no claim: never
 * routed, refused by the router, given back to the queue after a retryable failure, dead-lettered.
 */
const UNCLAIMED_OUTCOMES: readonly EventStatus[] = ["unrouted", "rejected", "retrying", "dead"];
const PAGE = 1000;

/**
 * What the pipeline accepted, read from the router's tables: first the delivery guard's claim on
 * the key (one read, not its holder's outcome; a delivered or duplicate event always has one), then the GitHub events among
 * the claimless outcomes recorded since the window began. Those are read once per window, by the
 * status index (sparse: delivered events are not in it), however many failed deliveries ask.
 */
export class DynamoDbAcceptedDeliveries implements AcceptedDeliveries {
  private readonly claims: DeliveryRecords;
  private readonly events: EventsTableReader;
  /** The last window's claimless GitHub delivery ids (one run asks with one `since`). */
  private unclaimed?: { since: string; guids: Promise<Set<string>> };

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
    // The claim alone: whether its holder was answered does not matter here, so it is not read.
    const claim = await this.claims.claim(deliveryKeyOfGuid(guid));
    if (claim && !claim.expired) return true;
    return (await this.unclaimedSince(since.toISOString())).has(guid);
  }

  private unclaimedSince(since: string): Promise<Set<string>> {
    if (this.unclaimed?.since !== since) {
      const guids = this.readUnclaimed(since);
      this.unclaimed = { since, guids };
      // A failed read is not kept: the next question reads again.
      guids.catch(() => {
        if (this.unclaimed?.guids === guids) this.unclaimed = undefined;
      });
    }
    return this.unclaimed!.guids;
  }

  private async readUnclaimed(since: string): Promise<Set<string>> {
    const guids = new Set<string>();
    let cursor: ListCursor | undefined;
    do {
      const page = await this.events.list({
        statuses: UNCLAIMED_OUTCOMES,
        provider: "github",
        since,
        limit: PAGE,
        ...(cursor ? { cursor } : {}),
      });
      for (const event of page.events) if (event.delivery_key) guids.add(event.delivery_key);
      cursor = page.cursor;
    } while (cursor);
    return guids;
  }
}
