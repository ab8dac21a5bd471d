import { S3Client } from "@aws-sdk/client-s3";
import { vi } from "vitest";
import { EMULATOR_CREDENTIALS, EMULATOR_REGION } from "./emulator-credentials";

/**
 * Points every AWS SDK client built after this call at the emulators, with the emulators'
 * credentials (never a developer's real ones). `vi.unstubAllEnvs()` undoes it.
 */
export function stubEmulatorEnv(
  endpoints: { sqs?: string; s3?: string; dynamodb?: string },
  extra: Record<string, string> = {},
): void {
  const variables: Record<string, string | undefined> = {
    AWS_ENDPOINT_URL_SQS: endpoints.sqs,
    AWS_ENDPOINT_URL_S3: endpoints.s3,
    AWS_ENDPOINT_URL_DYNAMODB: endpoints.dynamodb,
    AWS_REGION: EMULATOR_REGION,
    AWS_ACCESS_KEY_ID: EMULATOR_CREDENTIALS.accessKeyId,
    AWS_SECRET_ACCESS_KEY: EMULATOR_CREDENTIALS.secretAccessKey,
    ...extra,
  };
  for (const [name, value] of Object.entries(variables)) if (value !== undefined) vi.stubEnv(name, value);
}

/** An S3 client aimed at a port nothing listens on, trying once: S3 being unreachable. */
export const unreachableS3Client = () =>
  new S3Client({
    endpoint: "http://127.0.0.1:9",
    forcePathStyle: true,
    maxAttempts: 1,
    region: EMULATOR_REGION,
    credentials: EMULATOR_CREDENTIALS,
  });
