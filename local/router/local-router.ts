import type { SQSClient } from "@aws-sdk/client-sqs";
import type { SQSBatchResponse } from "aws-lambda";
import { SqsEventSource } from "../event-source/sqs-event-source";
import { localLambdaContext } from "../lambda-context";

export interface LocalRouterOptions {
  /** Talks to the queue emulator directly: receives, deletes (the event source mapping's own calls). */
  sqsClient: SQSClient;
  queueUrl: string;
  queueArn: string;
  region: string;
  batchSize: number;
  batchWindowMs: number;
  /** Router invocations in flight at once (the event source mapping's maximum concurrency). */
  concurrency: number;
  /** The function timeout each invocation's context counts down from. */
  timeoutSeconds: number;
  log: (line: string) => void;
}

/**
 * The real router handler fed the way Lambda's SQS event source mapping feeds it. The handler is
 * imported only now: it builds its clients from the environment, which the caller has set.
 */
export async function startLocalRouter(options: LocalRouterOptions): Promise<{ stop(): Promise<void> }> {
  const router = await import("../../functions/router/handler");
  const eventSource = new SqsEventSource({
    client: options.sqsClient,
    queueUrl: options.queueUrl,
    queueArn: options.queueArn,
    region: options.region,
    batchSize: options.batchSize,
    batchWindowMs: options.batchWindowMs,
    concurrency: options.concurrency,
    handler: async (event) => {
      const started = Date.now();
      const response = (await router.handler(
        event,
        localLambdaContext("webhook-router", options.timeoutSeconds * 1000),
      )) as SQSBatchResponse;
      // Lambda would have stopped it: locally it runs on, and its messages may come back meanwhile.
      const took = Date.now() - started;
      if (took > options.timeoutSeconds * 1000) {
        options.log(`router: an invocation took ${took} ms, past its ${options.timeoutSeconds} s timeout`);
      }
      return response;
    },
    onError: (error) => options.log(`router: invocation failed: ${(error as Error).message}`),
  });
  eventSource.start();
  return { stop: () => eventSource.stop() };
}
