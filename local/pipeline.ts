import { mkdirSync } from "node:fs";
import type { Server } from "node:http";
import type { AddressInfo } from "node:net";
import { resolve } from "node:path";
import { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { SQSClient } from "@aws-sdk/client-sqs";
import type { APIGatewayProxyStructuredResultV2 } from "aws-lambda";
import { WEBHOOK_QUEUE } from "../shared/config/resources";
import { createS3Client } from "../shared/payloads/s3-payload-store";
import { RoutingTable } from "../shared/routing/routing-table";
import { parseSecretList } from "../shared/secrets/secret-values";
import { type DemoAgent, startDemoAgent } from "./agent/demo-agent";
import { createConsole } from "./console/start-console";
import { DEMO_TEAM } from "./demo-team";
import { applyDevSecretDefaults, type DevSecretName } from "./dev-defaults";
import { startDynamoDbLocal } from "./emulators/dynamodb-local";
import { startSqsEmulator } from "./emulators/fauxqs";
import { freePort } from "./free-port";
import { handshakeTokenFileEnv } from "./handshake-token-files";
import { createLambdaHttpServer } from "./http/lambda-http-server";
import { localLambdaContext } from "./lambda-context";
import { type LocalPipelineDescription, removePipelineFile, writePipelineFile } from "./pipeline-file";
import { createPayloadBucket } from "./resources/create-payload-bucket";
import { createWebhookQueues } from "./resources/create-queues";
import { createPipelineTables } from "./resources/create-tables";
import { startLocalRouter } from "./router/local-router";
import { superviseRouterProcess } from "./router/router-supervisor";
import { startLocalSlackApi } from "./slack/local-slack-api";

export interface LocalPipelineOptions {
  /** HTTP port of the webhook API (0 picks a free one). */
  port: number;
  /** Send events to this agent instead of starting the demo agent. */
  agentUrl?: string;
  /** Keep DynamoDB data in this folder across runs. */
  persistDir?: string;
  batchSize: number;
  batchWindowMs: number;
  /** Router invocations in flight at once (the event source mapping's maximum concurrency). */
  routerConcurrency: number;
  maxReceiveCount: number;
  /** The router's function timeout; the queue's visibility timeout is six times it (default: the stack's). */
  routerTimeoutSeconds?: number;
  /** Run the router in a child process, restarted whenever it dies (`crashRouter` kills it). */
  routerProcess?: boolean;
  /**
   * Endpoints the handlers' SDK clients use instead of the emulators' (fault-injecting proxies in
   * front of them); the runner's own setup and the event source still talk to the emulators.
   */
  handlerEndpoints?: { sqs?: string; dynamodb?: string };
  /** Where to describe the running pipeline for CLI commands given `--local` (none when undefined). */
  pipelineFile?: string;
  log: (line: string) => void;
}

export interface LocalPipeline {
  description: LocalPipelineDescription;
  devSecretsUsed: DevSecretName[];
  demoAgent?: DemoAgent;
  /** With `routerProcess`: SIGKILLs the router process mid-work; a new one takes over. */
  crashRouter?: () => void;
  stop(): Promise<void>;
}

const REGION = "us-east-1";

const listen = (server: Server, port: number) =>
  new Promise<number>((done, fail) => {
    server.once("error", fail);
    server.listen(port, "127.0.0.1", () => done((server.address() as AddressInfo).port));
  });

/**
 * The whole pipeline on one machine: emulators, queues and tables as the stack defines them, the
 * real ingest handler behind an HTTP server, the real router fed the way Lambda's SQS event source
 * mapping feeds it, and a demo agent. It configures the handlers through `process.env`, exactly as
 * Lambda does, so run one per process.
 */
export async function startLocalPipeline(options: LocalPipelineOptions): Promise<LocalPipeline> {
  const stops: (() => Promise<void>)[] = [];
  const stopAll = async () => {
    for (const stop of stops.reverse()) await stop().catch(() => undefined);
  };
  try {
    const env = process.env;
    const devSecretsUsed = applyDevSecretDefaults(env);

    const sqs = await startSqsEmulator();
    stops.push(() => sqs.stop());
    if (options.persistDir) mkdirSync(options.persistDir, { recursive: true });
    const dynamo = await startDynamoDbLocal({
      port: await freePort(),
      ...(options.persistDir ? { dbPath: resolve(options.persistDir) } : {}),
    });
    stops.push(() => dynamo.stop());

    // Every SDK client in this process, the handlers' included, talks to the emulators only.
    Object.assign(env, {
      AWS_REGION: REGION,
      AWS_ACCESS_KEY_ID: "local",
      AWS_SECRET_ACCESS_KEY: "local",
      AWS_ENDPOINT_URL_SQS: sqs.endpoint,
      AWS_ENDPOINT_URL_S3: sqs.endpoint,
      AWS_ENDPOINT_URL_DYNAMODB: dynamo.endpoint,
    });
    delete env.AWS_SESSION_TOKEN;
    delete env.AWS_PROFILE;

    // The emulator itself, whatever endpoint the handlers are given below.
    const sqsClient = new SQSClient({ useQueueUrlAsEndpoint: false, endpoint: sqs.endpoint });
    const dynamoClient = new DynamoDBClient({});
    const queues = await createWebhookQueues(sqsClient, {
      prefix: "local",
      maxReceiveCount: options.maxReceiveCount,
      ...(options.routerTimeoutSeconds ? { routerTimeoutSeconds: options.routerTimeoutSeconds } : {}),
    });
    const tables = await createPipelineTables(dynamoClient, "local");
    // Payloads too large for one queue message go here (fauxqs serves S3 on the SQS endpoint).
    const payloadBucket = await createPayloadBucket(await createS3Client(), "local");

    let demoAgent: DemoAgent | undefined;
    let agentUrl = options.agentUrl;
    if (!agentUrl) {
      demoAgent = await startDemoAgent({
        port: 0,
        signingSecrets: parseSecretList(env.AGENT_SIGNING_SECRET),
        log: options.log,
      });
      stops.push(() => demoAgent!.stop());
      agentUrl = demoAgent.url;
    }
    if (!env.SLACK_API_URL) {
      const slackApi = await startLocalSlackApi({ log: options.log });
      stops.push(() => slackApi.stop());
      env.SLACK_API_URL = slackApi.url;
    }

    Object.assign(env, {
      QUEUE_URL: queues.queueUrl,
      ROUTING_TABLE: tables.routingTable,
      EVENTS_TABLE: tables.eventsTable,
      IDEMPOTENCY_TABLE: tables.idempotencyTable,
      PAYLOAD_BUCKET: payloadBucket,
      AGENT_URL: agentUrl,
      MAX_RECEIVE_COUNT: String(options.maxReceiveCount),
      // Plain http agents on this machine, and team tokens from environment variables.
      WEBHOOK_PIPELINE_LOCAL: "true",
      ...handshakeTokenFileEnv(),
    });

    await new RoutingTable({ tableName: tables.routingTable }).applyTeam(DEMO_TEAM);
    const { sqs: handlerSqs, dynamodb: handlerDynamoDb } = options.handlerEndpoints ?? {};
    if (handlerSqs) env.AWS_ENDPOINT_URL_SQS = handlerSqs;
    if (handlerDynamoDb) env.AWS_ENDPOINT_URL_DYNAMODB = handlerDynamoDb;

    // Imported only now: the handlers build their clients from the environment set above.
    const ingest = await import("../functions/ingest/handler");

    let port = 0;
    const localConsole = createConsole({
      dynamodb: dynamoClient,
      sqs: sqsClient,
      tables,
      queueUrl: queues.queueUrl,
      apiUrl: () => `http://localhost:${port}`,
    });
    stops.push(async () => localConsole.stop());
    const api = createLambdaHttpServer(async (event) => {
      const result = (await ingest.handler(
        event,
        localLambdaContext("webhook-ingest", 10_000),
      )) as APIGatewayProxyStructuredResultV2;
      localConsole.requests.observe(event, result);
      return result;
    }, localConsole.route);
    port = await listen(api, options.port);
    stops.push(() => new Promise((done) => api.close(() => done())));

    const routerSettings = {
      queueUrl: queues.queueUrl,
      queueArn: queues.queueArn,
      region: REGION,
      batchSize: options.batchSize,
      batchWindowMs: options.batchWindowMs,
      concurrency: options.routerConcurrency,
      timeoutSeconds: options.routerTimeoutSeconds ?? WEBHOOK_QUEUE.routerTimeoutSeconds,
    };
    let crashRouter: (() => void) | undefined;
    if (options.routerProcess) {
      const router = superviseRouterProcess({ ...routerSettings, sqsEndpoint: sqs.endpoint }, options.log);
      stops.push(() => router.stop());
      crashRouter = router.crash;
    } else {
      const router = await startLocalRouter({ ...routerSettings, sqsClient, log: options.log });
      stops.push(() => router.stop());
    }

    const description: LocalPipelineDescription = {
      apiUrl: `http://localhost:${port}`,
      region: REGION,
      sqsEndpoint: sqs.endpoint,
      s3Endpoint: sqs.endpoint,
      dynamodbEndpoint: dynamo.endpoint,
      queueUrl: queues.queueUrl,
      deadLetterQueueUrl: queues.deadLetterQueueUrl,
      ...tables,
      agentUrl,
      pid: process.pid,
    };
    if (options.pipelineFile) {
      const path = options.pipelineFile;
      writePipelineFile(description, path);
      stops.unshift(async () => removePipelineFile(path));
    }
    return {
      description,
      devSecretsUsed,
      ...(demoAgent ? { demoAgent } : {}),
      ...(crashRouter ? { crashRouter } : {}),
      stop: stopAll,
    };
  } catch (error) {
    await stopAll();
    throw error;
  }
}
