import { type Envelope, parseEnvelope } from "../../shared/envelope/envelope";

/** The envelope a queued message body holds; throws (failing the test) when it holds none. */
export function envelopeOf(body: string): Envelope {
  const parsed = parseEnvelope(body);
  if (!parsed.ok) throw new Error(parsed.problem);
  return parsed.envelope;
}
