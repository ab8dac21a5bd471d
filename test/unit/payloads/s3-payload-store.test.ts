import { GetObjectCommand, PutObjectCommand, S3Client, S3ServiceException } from "@aws-sdk/client-s3";
import { mockClient } from "aws-sdk-client-mock";
import { afterEach, describe, expect, it } from "vitest";
import { payloadRef } from "../../../shared/payloads/payload-ref";
import { PayloadGoneError, PayloadUnavailableError } from "../../../shared/payloads/payload-store";
import { createS3Client, S3PayloadStore } from "../../../shared/payloads/s3-payload-store";
import { EMULATOR_CREDENTIALS, EMULATOR_REGION } from "../../support/emulator-credentials";

const client = new S3Client({ region: EMULATOR_REGION, credentials: EMULATOR_CREDENTIALS });
const s3 = mockClient(client);
const store = new S3PayloadStore("payload-bucket", client);
const body = Buffer.from('{"action":"opened"}');
const ref = payloadRef("payload-bucket", "payloads/2024/06/01/id.json", body);

const s3Error = (name: string, status: number) =>
  new S3ServiceException({
    name,
    $fault: status >= 500 ? "server" : "client",
    $metadata: { httpStatusCode: status },
  });

afterEach(() => {
  s3.reset();
});

describe("S3PayloadStore", () => {
  it("puts the payload's bytes as application/json under the key", async () => {
    s3.on(PutObjectCommand).resolves({});
    await store.put(ref.key, body);
    expect(s3.commandCalls(PutObjectCommand).map((c) => c.args[0].input)).toEqual([
      { Bucket: "payload-bucket", Key: ref.key, Body: body, ContentType: "application/json" },
    ]);
  });

  it("reports a failed put as unavailable (ingest answers 503)", async () => {
    s3.on(PutObjectCommand).rejects(s3Error("SlowDown", 503));
    await expect(store.put(ref.key, body)).rejects.toThrow(PayloadUnavailableError);
    await expect(store.put(ref.key, body)).rejects.toThrow(
      /could not store the payload in s3:\/\/payload-bucket\//,
    );
  });

  it("gets the stored bytes back", async () => {
    s3.on(GetObjectCommand, { Bucket: "payload-bucket", Key: ref.key }).resolves({
      Body: { transformToByteArray: async () => new Uint8Array(body) } as never,
    });
    expect(await store.get(ref)).toEqual(body);
  });

  it.each([
    ["NoSuchKey", 404],
    ["NoSuchBucket", 404],
    ["AccessDenied", 403],
  ])("reports %s as gone for good", async (name, status) => {
    s3.on(GetObjectCommand).rejects(s3Error(name, status));
    const failure = store.get(ref);
    await expect(failure).rejects.toThrow(PayloadGoneError);
    await expect(store.get(ref)).rejects.toThrow(`s3://payload-bucket/${ref.key} cannot be read (${name})`);
  });

  it("reports throttling, server errors and network failures as unavailable (the router retries)", async () => {
    for (const error of [
      s3Error("SlowDown", 503),
      s3Error("InternalError", 500),
      new Error("socket hang up"),
    ]) {
      s3.on(GetObjectCommand).rejects(error);
      await expect(store.get(ref)).rejects.toThrow(PayloadUnavailableError);
    }
  });
});

describe("createS3Client", () => {
  it("addresses buckets by path when an endpoint override points at an emulator", async () => {
    const local = await createS3Client({ AWS_ENDPOINT_URL_S3: "http://127.0.0.1:4566" });
    expect(local.config.forcePathStyle).toBe(true);
    const generic = await createS3Client({ AWS_ENDPOINT_URL: "http://127.0.0.1:4566" });
    expect(generic.config.forcePathStyle).toBe(true);
    const aws = await createS3Client({});
    expect(aws.config.forcePathStyle).toBeFalsy();
  });
});
