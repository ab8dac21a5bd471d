import { DeliveryRecords } from "../../shared/operations/delivery-records";
import { EventsTableReader } from "../../shared/operations/events-table-reader";
import type { PipelineSession } from "../lib/pipeline-target";

/** The events table of the session's target (or the error saying how to name it). */
export const eventsTableOf = (session: PipelineSession): EventsTableReader =>
  new EventsTableReader(session.documents(), session.name("eventsTable"));

/** The delivery guard's claims of the session's target (or the error saying how to name the tables). */
export const deliveryRecordsOf = (session: PipelineSession): DeliveryRecords =>
  new DeliveryRecords(session.documents(), session.name("idempotencyTable"), session.name("eventsTable"));
