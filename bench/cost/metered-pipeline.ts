import type { LocalPipelineDescription } from "../../local/pipeline-file";
import { startPipelineProcess } from "../../local/process/pipeline-process";
import { type ObservedExchange, type ProxyGate, startMeterProxy } from "./meter-proxy";

export interface MeteredPipeline {
  description: LocalPipelineDescription;
  /** Everything the pipeline process has printed so far (stdout and stderr, in arrival order). */
  output(): string;
  stop(): Promise<void>;
}

export interface MeteredPipelineOptions {
  /** `npm start` flags (batching, concurrency). */
  args: string[];
  env: NodeJS.ProcessEnv;
  onSqs(exchange: ObservedExchange): void;
  onDynamoDb(exchange: ObservedExchange): void;
  /** Holds SQS requests back (the event source's receives, while a case's webhooks are sent). */
  sqsGate: ProxyGate;
}

/**
 * The local pipeline (`npm start`, through metered-start.ts) in a child process of its own process
 * group, as the e2e tests run it, with counting proxies in this process in front of its emulators:
 * every SQS call the handlers and the event source make and every DynamoDB call the handlers make
 * passes through them.
 */
export async function startMeteredPipeline(options: MeteredPipelineOptions): Promise<MeteredPipeline> {
  const sqsProxy = await startMeterProxy(options.onSqs, options.sqsGate);
  const dynamodbProxy = await startMeterProxy(options.onDynamoDb);
  const pipeline = await startPipelineProcess(
    [
      "--handler-sqs-endpoint",
      sqsProxy.url,
      "--handler-dynamodb-endpoint",
      dynamodbProxy.url,
      ...options.args,
    ],
    { ...options.env, COST_METER_SQS_ENDPOINT: sqsProxy.url },
    {
      entry: "bench/cost/metered-start.ts",
      onStop: async () => {
        await Promise.all([sqsProxy.stop(), dynamodbProxy.stop()]);
      },
    },
  );
  sqsProxy.setUpstream(pipeline.description.sqsEndpoint);
  dynamodbProxy.setUpstream(pipeline.description.dynamodbEndpoint);
  return pipeline;
}
