import type { Logger } from "@aws-lambda-powertools/logger";
import type { SQSRecord } from "aws-lambda";
import { type Envelope, parseEnvelope } from "../envelope/envelope";
import type { PayloadReader } from "../payloads/payload-store";
import { PROVIDERS } from "../providers/registry";
import type { RoutingIdentifiers } from "../routing/identifiers";
import { loadPayload } from "./load-payload";

export type PreparedRecord =
  | { ok: true; eventId: string; envelope: Envelope; identifiers: RoutingIdentifiers }
  /**
   * Not routable: recorded as rejected and not retried, unless `retryable` (its stored payload could
   * not be read just now). `envelope` when the body was a valid envelope.
   */
  | { ok: false; eventId: string; problem: string; envelope?: Envelope; retryable?: boolean };

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

/**
 * Parses a record's envelope, reads its payload back from the payload store when it was stored
 * apart (v2), and extracts its routing identifiers. Never throws.
 */
export async function prepareRecord(
  record: SQSRecord,
  logger: Logger,
  payloads?: PayloadReader,
): Promise<PreparedRecord> {
  const parsed = parseEnvelope(record.body);
  if (!parsed.ok) return { ok: false, eventId: fallbackEventId(record), problem: parsed.problem };
  const loaded = await loadPayload(parsed.envelope, payloads);
  if (!loaded.ok) {
    return {
      ok: false,
      eventId: parsed.envelope.id,
      envelope: parsed.envelope,
      problem: loaded.problem,
      retryable: loaded.retryable,
    };
  }
  const envelope = loaded.envelope;
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
