import type { Logger } from "@aws-lambda-powertools/logger";
import type { SQSRecord } from "aws-lambda";
import { type Envelope, parseEnvelope } from "../envelope/envelope";
import { PROVIDERS } from "../providers/registry";
import type { RoutingIdentifiers } from "../routing/identifiers";

export type PreparedRecord =
  | { ok: true; eventId: string; envelope: Envelope; identifiers: RoutingIdentifiers }
  | { ok: false; eventId: string; problem: string };

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** SQS's ApproximateReceiveCount: 1 on the first delivery. */
export function receiveCount(record: SQSRecord): number {
  const count = Number(record.attributes?.ApproximateReceiveCount);
  return Number.isInteger(count) && count > 0 ? count : 1;
}

/**
 * The id an outcome is recorded under: the envelope id, else an id-looking `id` field of a body that
 * failed validation, else `sqs-message:<message id>`.
 */
function fallbackEventId(record: SQSRecord): string {
  try {
    const value: unknown = JSON.parse(record.body);
    const id =
      typeof value === "object" && value !== null ? (value as Record<string, unknown>).id : undefined;
    if (typeof id === "string" && UUID.test(id)) return id;
  } catch {
    // not JSON: fall through
  }
  return `sqs-message:${record.messageId}`;
}

/** Parses a record's envelope and extracts its routing identifiers. Never throws. */
export function prepareRecord(record: SQSRecord, logger: Logger): PreparedRecord {
  const parsed = parseEnvelope(record.body);
  if (!parsed.ok) return { ok: false, eventId: fallbackEventId(record), problem: parsed.problem };
  const envelope = parsed.envelope;
  let identifiers: RoutingIdentifiers = {};
  try {
    identifiers = PROVIDERS[envelope.provider].identifiers(envelope.payload);
  } catch (error) {
    logger.warn("could not extract routing identifiers; treating the event as carrying none", {
      event_id: envelope.id,
      provider: envelope.provider,
      error: (error as Error).message,
    });
  }
  return { ok: true, eventId: envelope.id, envelope, identifiers };
}
