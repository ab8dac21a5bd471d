import { type Envelope, inlinePayloadText, PAYLOAD_REF_ENVELOPE_VERSION } from "../envelope/envelope";
import { payloadMismatch } from "../payloads/payload-ref";
import { PayloadGoneError, type PayloadReader } from "../payloads/payload-store";

export type LoadedPayload =
  | { ok: true; text: string }
  /** `retryable`: the store may answer later; otherwise the payload will never be readable. */
  | { ok: false; retryable: boolean; problem: string };

const never = (problem: string): LoadedPayload => ({ ok: false, retryable: false, problem });

/**
 * The payload's JSON text exactly as the provider sent it: carried in the envelope, or read back
 * from the payload store and checked against the size and SHA-256 recorded at ingest. Never throws.
 */
export async function loadPayloadText(
  envelope: Envelope,
  reader: PayloadReader | undefined,
): Promise<LoadedPayload> {
  if (envelope.v !== PAYLOAD_REF_ENVELOPE_VERSION) return { ok: true, text: inlinePayloadText(envelope) };
  const ref = envelope.payload_ref;
  const where = `s3://${ref.bucket}/${ref.key}`;
  if (!reader)
    return never(`the payload is stored at ${where}, but this router has no PAYLOAD_BUCKET to read it from`);
  if (ref.bucket !== reader.bucket) {
    return never(
      `the payload is stored at ${where}, but this router reads payloads from bucket ${reader.bucket} only`,
    );
  }
  let body: Buffer;
  try {
    body = await reader.get(ref);
  } catch (error) {
    if (error instanceof PayloadGoneError) return never(error.message);
    return { ok: false, retryable: true, problem: (error as Error).message };
  }
  const mismatch = payloadMismatch(ref, body);
  if (mismatch) return never(`the stored payload is not the one ingest stored: ${mismatch}`);
  return { ok: true, text: body.toString("utf8") };
}
