import type { SQSRecord } from "aws-lambda";
import { type Envelope, parseEnvelope } from "../envelope/envelope";
import type { PayloadReader } from "../payloads/payload-store";
import { PROVIDERS } from "../providers/registry";
import { unusableLookupKey } from "../routing/claims";
import type { IdentifierKind, RoutingIdentifiers } from "../routing/identifiers";
import { loadPayloadText } from "./load-payload";
import type { SkippedIdentifier } from "./routing-decision";

export type PreparedRecord =
  | {
      ok: true;
      eventId: string;
      envelope: Envelope;
      /** The payload's exact JSON text, inserted verbatim into the agent request. */
      payloadText: string;
      payload: unknown;
      /** The identifiers to look up: those found, less the skipped ones. */
      identifiers: RoutingIdentifiers;
      skipped: SkippedIdentifier[];
      /** Set when the identifiers could not be extracted at all (the event is treated as carrying none). */
      identifierProblem?: string;
    }
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

/** The identifiers that can be looked up, and those that cannot (too long for a DynamoDB key). */
function usableIdentifiers(found: RoutingIdentifiers): {
  identifiers: RoutingIdentifiers;
  skipped: SkippedIdentifier[];
} {
  const identifiers: RoutingIdentifiers = {};
  const skipped: SkippedIdentifier[] = [];
  for (const [kind, value] of Object.entries(found) as Array<[IdentifierKind, string]>) {
    const reason = unusableLookupKey(kind, value);
    if (reason) skipped.push({ kind, reason });
    else identifiers[kind] = value;
  }
  return { identifiers, skipped };
}

/**
 * Parses a record's envelope, gets its payload text (reading it back from the payload store when it
 * was stored apart), and extracts the identifiers it can be routed by. Never throws: whatever is
 * wrong with one record is that record's result alone.
 */
export async function prepareRecord(record: SQSRecord, payloads?: PayloadReader): Promise<PreparedRecord> {
  const parsed = parseEnvelope(record.body);
  if (!parsed.ok) return { ok: false, eventId: fallbackEventId(record), problem: parsed.problem };
  const envelope = parsed.envelope;
  const loaded = await loadPayloadText(envelope, payloads);
  if (!loaded.ok) {
    return {
      ok: false,
      eventId: envelope.id,
      envelope,
      problem: loaded.problem,
      retryable: loaded.retryable,
    };
  }
  let payload: unknown;
  try {
    payload = JSON.parse(loaded.text);
  } catch {
    return { ok: false, eventId: envelope.id, envelope, problem: "the payload is not valid JSON text" };
  }
  let found: RoutingIdentifiers = {};
  let identifierProblem: string | undefined;
  try {
    found =
      (envelope.identifiers as RoutingIdentifiers | undefined) ??
      PROVIDERS[envelope.provider].identifiers(payload);
  } catch (error) {
    identifierProblem = `could not extract routing identifiers: ${(error as Error).message}`;
  }
  return {
    ok: true,
    eventId: envelope.id,
    envelope,
    payloadText: loaded.text,
    payload,
    ...usableIdentifiers(found),
    ...(identifierProblem ? { identifierProblem } : {}),
  };
}
