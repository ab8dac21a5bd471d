import { DeliveryRecords } from "../../shared/operations/delivery-records";
import { EventsTableReader } from "../../shared/operations/events-table-reader";
import type { PipelineSession } from "../lib/pipeline-target";

/**
 * The events table of the session's target (or the error saying how to name it); `withClaims` adds
 * the delivery guard's claims, through which a listing by delivery key finds its delivered event.
 */
export const eventsTableOf = (session: PipelineSession, withClaims = false): EventsTableReader =>
  new EventsTableReader(
    session.documents(),
    session.name("eventsTable"),
    withClaims ? session.name("idempotencyTable") : undefined,
  );

/** The delivery guard's claims of the session's target (or the error saying how to name the tables). */
export const deliveryRecordsOf = (session: PipelineSession): DeliveryRecords =>
  new DeliveryRecords(session.documents(), session.name("idempotencyTable"), session.name("eventsTable"));
