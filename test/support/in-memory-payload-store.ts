import type { PayloadRef } from "../../shared/payloads/payload-ref";
import {
  PayloadGoneError,
  type PayloadReader,
  type PayloadStore,
  PayloadUnavailableError,
} from "../../shared/payloads/payload-store";

/**
 * A test double of the payload store ports (not of S3): keeps objects in a map. `failWith` makes
 * every call reject as the S3 adapter does when the bucket is unavailable.
 */
export class InMemoryPayloadStore implements PayloadStore, PayloadReader {
  readonly objects = new Map<string, Buffer>();
  failure: Error | undefined;

  constructor(readonly bucket = "payload-bucket") {}

  async put(key: string, body: Buffer): Promise<void> {
    if (this.failure) throw this.failure;
    this.objects.set(key, Buffer.from(body));
  }

  async get(ref: PayloadRef): Promise<Buffer> {
    if (this.failure) throw this.failure;
    const body = this.objects.get(ref.key);
    if (!body) throw new PayloadGoneError(`s3://${ref.bucket}/${ref.key} cannot be read (NoSuchKey)`);
    return body;
  }

  failWith(error: Error = new PayloadUnavailableError("S3 is down", new Error("503 Slow Down"))): this {
    this.failure = error;
    return this;
  }
}
