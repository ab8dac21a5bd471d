import type { PayloadRef } from "./payload-ref";

/** Where ingest puts payloads too large for one queue message (the S3 payload bucket). */
export interface PayloadStore {
  readonly bucket: string;
  /** Stores the payload's JSON bytes under `key`; resolves once they are durably stored. */
  put(key: string, body: Buffer): Promise<void>;
}

/** What the router reads those payloads back with. */
export interface PayloadReader {
  /** The one bucket this reader may read: a reference to any other is refused. */
  readonly bucket: string;
  /** The stored bytes; throws PayloadUnavailableError (retry later) or PayloadGoneError (never readable). */
  get(ref: PayloadRef): Promise<Buffer>;
}

/** The store did not answer or failed on its side: worth retrying (ingest answers 503, the router retries). */
export class PayloadUnavailableError extends Error {
  constructor(what: string, cause: unknown) {
    super(`${what}: ${(cause as Error)?.message ?? String(cause)}`, { cause });
    this.name = "PayloadUnavailableError";
  }
}

/** The payload cannot be read and never will be (no such object, or no permission to read it). */
export class PayloadGoneError extends Error {
  constructor(message: string, cause?: unknown) {
    super(message, { cause });
    this.name = "PayloadGoneError";
  }
}
