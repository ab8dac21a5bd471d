import type { S3Client } from "@aws-sdk/client-s3";
import type { PayloadRef } from "./payload-ref";
import {
  PayloadGoneError,
  type PayloadReader,
  type PayloadStore,
  PayloadUnavailableError,
} from "./payload-store";

type S3Sdk = typeof import("@aws-sdk/client-s3");

/**
 * The module loaded lazily below. The stack leaves it to the Lambda runtime's AWS SDK for the ingest
 * functions rather than bundling it, so the bundle every cold start loads stays small.
 */
export const S3_SDK_MODULE = "@aws-sdk/client-s3";

let sdk: Promise<S3Sdk> | undefined;

/**
 * The S3 client library, loaded on first use: almost every webhook fits in one queue message, so the
 * ingest function's cold start does not pay for loading it.
 */
const loadSdk = (): Promise<S3Sdk> => {
  sdk ??= import("@aws-sdk/client-s3");
  return sdk;
};

/**
 * An S3 client honouring `AWS_ENDPOINT_URL_S3`/`AWS_ENDPOINT_URL`; with an override (a local
 * emulator) it addresses buckets by path, as `<bucket>.localhost` host names may not resolve.
 */
export async function createS3Client(env: NodeJS.ProcessEnv = process.env): Promise<S3Client> {
  const { S3Client } = await loadSdk();
  return new S3Client(env.AWS_ENDPOINT_URL_S3 || env.AWS_ENDPOINT_URL ? { forcePathStyle: true } : {});
}

/** Errors that will not go away by asking again. S3 answers 403 for a missing key when the reader may not list the bucket. */
const GONE = new Set(["NoSuchKey", "NoSuchBucket", "NotFound", "AccessDenied"]);

function isGone(error: unknown): boolean {
  const { name, $metadata } = error as { name?: string; $metadata?: { httpStatusCode?: number } };
  return GONE.has(name ?? "") || $metadata?.httpStatusCode === 404 || $metadata?.httpStatusCode === 403;
}

/** The payload store and reader on one S3 bucket. */
export class S3PayloadStore implements PayloadStore, PayloadReader {
  private client: Promise<S3Client> | undefined;

  constructor(
    readonly bucket: string,
    client?: S3Client,
  ) {
    if (client) this.client = Promise.resolve(client);
  }

  private s3(): Promise<S3Client> {
    this.client ??= createS3Client();
    return this.client;
  }

  async put(key: string, body: Buffer): Promise<void> {
    const [{ PutObjectCommand }, client] = await Promise.all([loadSdk(), this.s3()]);
    try {
      await client.send(
        new PutObjectCommand({ Bucket: this.bucket, Key: key, Body: body, ContentType: "application/json" }),
      );
    } catch (error) {
      throw new PayloadUnavailableError(`could not store the payload in s3://${this.bucket}/${key}`, error);
    }
  }

  async get(ref: PayloadRef): Promise<Buffer> {
    const [{ GetObjectCommand }, client] = await Promise.all([loadSdk(), this.s3()]);
    const where = `s3://${ref.bucket}/${ref.key}`;
    try {
      const { Body } = await client.send(new GetObjectCommand({ Bucket: ref.bucket, Key: ref.key }));
      if (!Body) throw new Error("S3 returned no body");
      return Buffer.from(await Body.transformToByteArray());
    } catch (error) {
      if (isGone(error)) {
        throw new PayloadGoneError(
          `${where} cannot be read (${(error as Error).name}): it expired, was deleted, or this function may not read it`,
          error,
        );
      }
      throw new PayloadUnavailableError(`could not read ${where}`, error);
    }
  }
}
