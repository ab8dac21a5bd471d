import type { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import {
  DeleteMessageBatchCommand,
  type Message,
  ReceiveMessageCommand,
  SQSClient,
} from "@aws-sdk/client-sqs";
import { DynamoDBDocumentClient } from "@aws-sdk/lib-dynamodb";
import type { SQSBatchResponse, SQSEvent } from "aws-lambda";
import { inject, vi } from "vitest";
import { captureIO } from "../../../cli/lib/io";
import { main } from "../../../cli/main";
import { createRouterHandler } from "../../../functions/router/handler";
import { routerDepsFromEnv } from "../../../functions/router/router-deps-from-env";
import { type RunningFauxqs, startSqsEmulator } from "../../../local/emulators/fauxqs";
import type { HttpAgentClient } from "../../../shared/adapters/http/http-agent-client";
import type { RouterDeps } from "../../../shared/router/router-deps";
import { RoutingTable } from "../../../shared/routing/routing-table";
import type { TeamConfig } from "../../../shared/routing/team-config";
import { EMULATOR_CREDENTIALS, EMULATOR_REGION } from "../../support/emulator-credentials";
import { observeRouter } from "../../unit/router/router-fakes";
import {
  createQueue,
  createRouterTables,
  dynamoClient,
  lambdaRecord,
  type RouterTables,
} from "../router/router-fixture";

export const AGENT_SECRET = `whsec_${Buffer.from("ops-cli-agent-secret").toString("base64")}`;

export interface CliRun {
  code: number;
  stdout: string;
  stderr: string;
}

export interface OpsFixture {
  sqsEmulator: RunningFauxqs;
  sqs: SQSClient;
  dynamo: DynamoDBClient;
  doc: DynamoDBDocumentClient;
  dynamoEndpoint: string;
  tables: RouterTables;
  queueUrl: string;
  dlqUrl: string;
  /** What the CLI needs to find the tables and queues (as the Lambdas' environment names them). */
  cliEnv: NodeJS.ProcessEnv;
  /** Runs `webhook-pipeline <args>` in-process. */
  cli(args: string[], options?: { env?: NodeJS.ProcessEnv; cwd?: string }): Promise<CliRun>;
  /** Bodies in a queue (ready, in flight and delayed), seen without receiving them. */
  bodies(queueUrl: string): string[];
  applyTeam(team: TeamConfig): Promise<void>;
  stop(): Promise<void>;
}

const queueName = (url: string) => url.slice(url.lastIndexOf("/") + 1);

/**
 * Starts fauxqs, creates the tables and a webhook queue with a dead-letter queue (after
 * `maxReceiveCount` receives), and points this process's SDK clients (the router's) at the emulators.
 */
export async function startOpsFixture(label: string, maxReceiveCount = 5): Promise<OpsFixture> {
  const dynamoEndpoint = inject("dynamoDbEndpoint");
  const sqsEmulator = await startSqsEmulator();
  // Before any router client is built: the SDK reads these when a client is created.
  vi.stubEnv("AWS_ENDPOINT_URL_SQS", sqsEmulator.endpoint);
  vi.stubEnv("AWS_ENDPOINT_URL_DYNAMODB", dynamoEndpoint);
  vi.stubEnv("AWS_REGION", EMULATOR_REGION);
  vi.stubEnv("AWS_ACCESS_KEY_ID", EMULATOR_CREDENTIALS.accessKeyId);
  vi.stubEnv("AWS_SECRET_ACCESS_KEY", EMULATOR_CREDENTIALS.secretAccessKey);
  const sqs = new SQSClient({
    endpoint: sqsEmulator.endpoint,
    region: EMULATOR_REGION,
    credentials: EMULATOR_CREDENTIALS,
    useQueueUrlAsEndpoint: false,
  });
  const dynamo = dynamoClient(dynamoEndpoint);
  const tables = await createRouterTables(dynamo, label);
  const { queueUrl, dlqUrl } = await createQueue(sqs, label, maxReceiveCount);
  const cliEnv: NodeJS.ProcessEnv = {
    EVENTS_TABLE: tables.eventsTable,
    IDEMPOTENCY_TABLE: tables.idempotencyTable,
    ROUTING_TABLE: tables.routingTable,
    QUEUE_URL: queueUrl,
    DEAD_LETTER_QUEUE_URL: dlqUrl!,
    AWS_ENDPOINT_URL_DYNAMODB: dynamoEndpoint,
    AWS_ENDPOINT_URL_SQS: sqsEmulator.endpoint,
  };
  const doc = DynamoDBDocumentClient.from(dynamo, { marshallOptions: { removeUndefinedValues: true } });
  return {
    sqsEmulator,
    sqs,
    dynamo,
    doc,
    dynamoEndpoint,
    tables,
    queueUrl,
    dlqUrl: dlqUrl!,
    cliEnv,
    async cli(args, options = {}) {
      const capture = captureIO({ env: options.env ?? cliEnv, ...(options.cwd ? { cwd: options.cwd } : {}) });
      const code = await main(args, capture.io);
      return { code, stdout: capture.stdout(), stderr: capture.stderr() };
    },
    bodies(url) {
      const state = sqsEmulator.server.inspectQueue(queueName(url));
      if (!state) throw new Error(`no queue ${url}`);
      const { ready, delayed, inflight } = state.messages as unknown as {
        ready: Array<{ body: string }>;
        delayed: Array<{ body: string }>;
        inflight: Array<{ message: { body: string } }>;
      };
      return [
        ...ready.map((m) => m.body),
        ...delayed.map((m) => m.body),
        ...inflight.map((e) => e.message.body),
      ];
    },
    async applyTeam(team) {
      await new RoutingTable({ tableName: tables.routingTable, client: doc }).applyTeam(team);
    },
    async stop() {
      vi.unstubAllEnvs();
      sqs.destroy();
      dynamo.destroy();
      await sqsEmulator.stop();
    },
  };
}

export interface TestRouter {
  deps: RouterDeps;
  /**
   * What Lambda's event source mapping does once: receive everything visible on the webhook queue,
   * invoke the router with it, delete the records it did not report as failures.
   */
  drain(): Promise<{ messages: Message[]; response: SQSBatchResponse }>;
  close(): void;
}

/** The router handler as deployed (dependencies from the environment), on the fixture's queue. */
export function startRouter(
  fx: OpsFixture,
  settings: { agentUrl: string; slackApiUrl: string; env?: Record<string, string> },
): TestRouter {
  const base = routerDepsFromEnv({
    ...process.env,
    QUEUE_URL: fx.queueUrl,
    ROUTING_TABLE: fx.tables.routingTable,
    EVENTS_TABLE: fx.tables.eventsTable,
    IDEMPOTENCY_TABLE: fx.tables.idempotencyTable,
    AGENT_URL: settings.agentUrl,
    AGENT_SIGNING_SECRET: AGENT_SECRET,
    SLACK_BOT_TOKEN: "xoxb-ops-cli",
    SLACK_API_URL: settings.slackApiUrl,
    AGENT_TIMEOUT_MS: "2000",
    ROUTING_CACHE_SECONDS: "0",
    WEBHOOK_PIPELINE_LOCAL: "true",
    ...settings.env,
  });
  observeRouter();
  const deps: RouterDeps = { ...base, random: () => 0.5 };
  const handler = createRouterHandler(() => deps);
  return {
    deps,
    async drain() {
      const messages: Message[] = [];
      for (;;) {
        const { Messages = [] } = await fx.sqs.send(
          new ReceiveMessageCommand({
            QueueUrl: fx.queueUrl,
            MaxNumberOfMessages: 10,
            VisibilityTimeout: 60,
            WaitTimeSeconds: 0,
            MessageSystemAttributeNames: ["All"],
            MessageAttributeNames: ["All"],
          }),
        );
        if (Messages.length === 0) break;
        messages.push(...Messages);
      }
      const response = await handler({ Records: messages.map((m) => lambdaRecord(m)) } as SQSEvent);
      const failed = new Set(response.batchItemFailures.map((f) => f.itemIdentifier));
      const done = messages.filter((m) => !failed.has(m.MessageId!));
      for (let i = 0; i < done.length; i += 10) {
        await fx.sqs.send(
          new DeleteMessageBatchCommand({
            QueueUrl: fx.queueUrl,
            Entries: done
              .slice(i, i + 10)
              .map((m, n) => ({ Id: String(n), ReceiptHandle: m.ReceiptHandle! })),
          }),
        );
      }
      return { messages, response };
    },
    close() {
      (base.agent as HttpAgentClient).close();
    },
  };
}

/** The JSON a command printed with --json. */
export const json = <T = Record<string, unknown>>(run: CliRun): T => JSON.parse(run.stdout) as T;

/** Operator output never carries a stack trace. */
export const stackFree = (text: string) => !/\n\s+at /.test(text);
