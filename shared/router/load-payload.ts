import type { Envelope } from "../envelope/envelope";
import { payloadMismatch } from "../payloads/payload-ref";
import { PayloadGoneError, type PayloadReader } from "../payloads/payload-store";

export type LoadedPayload =
  | { ok: true; envelope: Envelope }
  /** `retryable`: the store may answer later; otherwise the payload will never be readable. */
  | { ok: false; retryable: boolean; problem: string };

const never = (problem: string): LoadedPayload => ({ ok: false, retryable: false, problem });

/**
 * A v2 envelope with its payload read back from the payload store, checked against the size and
 * SHA-256 recorded at ingest, so the agent gets exactly what was received; a v1 envelope as it is.
 * Never throws.
 */
export async function loadPayload(
  envelope: Envelope,
  reader: PayloadReader | undefined,
): Promise<LoadedPayload> {
  const ref = envelope.payload_ref;
  if (!ref) return { ok: true, envelope };
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
  try {
    return { ok: true, envelope: { ...envelope, payload: JSON.parse(body.toString("utf8")) } };
  } catch {
    return never(`the stored payload at ${where} is not JSON`);
  }
}
