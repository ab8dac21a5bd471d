import { CreateBucketCommand, type S3Client } from "@aws-sdk/client-s3";

/**
 * The payload bucket (PAYLOAD_BUCKET) on the local emulator. Only its name matters here: the
 * emulator keeps no encryption or lifecycle settings, and a local run does not last long enough for
 * payloads to expire.
 */
export async function createPayloadBucket(client: S3Client, prefix: string): Promise<string> {
  const bucket = `${prefix}-webhook-payloads`;
  await client.send(new CreateBucketCommand({ Bucket: bucket }));
  return bucket;
}
