import { SQSClient } from "@aws-sdk/client-sqs";
import { emulatorSafeClientConfig, isLoopback } from "./dynamodb";

/** One queue and how to reach it. */
export interface SqsTarget {
  queueUrl: string;
  endpoint?: string;
  region?: string;
}

/**
 * The endpoint for a queue: the given one, else, for an emulator's queue URL
 * (`http://sqs.us-east-1.localhost:4566/…`, `http://127.0.0.1:…`), the emulator's own address, since
 * the `*.localhost` host name in its URLs may not resolve. AWS queue URLs need none.
 */
export function sqsEndpointFor(queueUrl: string, endpoint: string | undefined): string | undefined {
  if (endpoint !== undefined) return endpoint;
  let url: URL;
  try {
    url = new URL(queueUrl);
  } catch {
    return undefined;
  }
  if (!isLoopback(queueUrl)) return undefined;
  return `${url.protocol}//127.0.0.1${url.port ? `:${url.port}` : ""}`;
}

/**
 * An SQS client for the target (the SQS sibling of createDocumentClient). With an endpoint it sends
 * every call there rather than to the host in the queue URL; a loopback endpoint gets placeholder
 * credentials so real ones never reach an emulator.
 */
export function createSqsClient(target: { endpoint?: string; region?: string }): SQSClient {
  return new SQSClient({
    ...emulatorSafeClientConfig(target),
    ...(target.endpoint ? { useQueueUrlAsEndpoint: false } : {}),
  });
}
