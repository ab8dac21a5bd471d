import { type Envelope, inlinePayloadText, parseEnvelope } from "../../shared/envelope/envelope";

/** The envelope a queued message body holds; throws (failing the test) when it holds none. */
export function envelopeOf(body: string): Envelope {
  const parsed = parseEnvelope(body);
  if (!parsed.ok) throw new Error(parsed.problem);
  return parsed.envelope;
}

/** The payload text a queued message body carries inline; throws when it is stored apart or not an envelope. */
export function queuedPayloadText(body: string): string {
  const envelope = envelopeOf(body);
  const text = inlinePayloadText(envelope);
  if (text === undefined)
    throw new Error(`envelope ${envelope.id} (v${envelope.v}) does not carry its payload`);
  return text;
}
