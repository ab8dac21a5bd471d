import { gbSeconds, type Usage } from "./pricing";
import { billedSqsRequests } from "./sqs-meter";
import type { FunctionFacts } from "./stack-facts";

/**
 * The floor for this design, as issue 14 defines it, in the same units as a measured case (and so
 * priced from the same table): the HTTP API request, one ingest and a tenth of a router invocation
 * with a few milliseconds of compute each, the SQS send plus its share of a batched receive and
 * delete, two small DynamoDB writes, a few hundred bytes of logs. Nothing stored, nothing traced.
 */
export const FLOOR = {
  /** Billed milliseconds of an ingest invocation: verify, parse, send. */
  ingestMs: 3,
  /** Router milliseconds per record: decide, guard, deliver (the agent's own latency is not ours). */
  routerMsPerRecord: 3,
  dynamodbWrites: 2,
  /** One line per function per event (the ingest line carrying its metrics, the router's delivery line). */
  logBytes: 2 * 300,
} as const;

export function floorUsage(options: {
  bodyBytes: number;
  ingest: FunctionFacts;
  router: FunctionFacts;
  batchSize: number;
}): Usage {
  const { bodyBytes, ingest, router, batchSize } = options;
  const compute = { arm64: 0, x86_64: 0 };
  compute[ingest.architecture] += gbSeconds(ingest.memoryMb, FLOOR.ingestMs);
  compute[router.architecture] += gbSeconds(router.memoryMb, FLOOR.routerMsPerRecord * batchSize) / batchSize;
  return {
    apiRequests: 1,
    lambdaRequests: 1 + 1 / batchSize,
    lambdaGbSeconds: compute,
    sqsRequests: billedSqsRequests(bodyBytes) + (billedSqsRequests(bodyBytes * batchSize) + 1) / batchSize,
    dynamodbWriteUnits: FLOOR.dynamodbWrites,
    dynamodbReadUnits: 0,
    dynamodbStorageByteMonths: 0,
    pitrByteMonths: 0,
    s3Puts: 0,
    s3Gets: 0,
    s3StorageByteMonths: 0,
    logIngestBytes: { STANDARD: FLOOR.logBytes, INFREQUENT_ACCESS: 0 },
    logStorageByteMonths: 0,
    xrayTraces: 0,
    secretsManagerCalls: 0,
  };
}
