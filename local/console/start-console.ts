import type { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import type { SQSClient } from "@aws-sdk/client-sqs";
import { DynamoDBDocumentClient } from "@aws-sdk/lib-dynamodb";
import { DeliveryRecords } from "../../shared/operations/delivery-records";
import { EventsTableReader } from "../../shared/operations/events-table-reader";
import { SqsEventQueue } from "../../shared/queue/sqs-event-queue";
import { RoutingTable } from "../../shared/routing/routing-table";
import { sampleSecretsFromEnv } from "../samples/sample-secrets";
import { buildSampleWebhooks } from "../samples/sample-webhooks";
import { AttemptLog, tapLines } from "./attempt-log";
import { ConsoleApi } from "./console-api";
import { consoleRoute } from "./console-server";
import { RequestLog } from "./request-log";

export interface ConsoleResources {
  /** Clients of the emulators themselves (never a fault-injecting proxy a soak puts before the handlers). */
  dynamodb: DynamoDBClient;
  sqs: SQSClient;
  tables: { routingTable: string; eventsTable: string; idempotencyTable: string };
  queueUrl: string;
  /** The local webhook API's base URL, once it listens. */
  apiUrl: () => string;
}

/**
 * The local console over this pipeline's tables and queue: the request log the webhook API feeds,
 * the attempts the router's lines on stdout tell, and the route that serves the page and its API
 * beside the webhook routes. `stop` takes its tap off stdout.
 */
export function createConsole(resources: ConsoleResources) {
  const doc = DynamoDBDocumentClient.from(resources.dynamodb, {
    marshallOptions: { removeUndefinedValues: true },
  });
  const { routingTable, eventsTable, idempotencyTable } = resources.tables;
  const events = new EventsTableReader(doc, eventsTable);
  const requests = new RequestLog();
  const attempts = new AttemptLog();
  // The router's record lines (its own, or its child process's, forwarded) say how each attempt went.
  // (Powertools writes warnings and errors, the router's retrying, failed and dead lines, to stderr.)
  const untaps = [process.stdout, process.stderr].map((stream) =>
    tapLines(stream, (line) => attempts.observeLine(line)),
  );
  const api = new ConsoleApi({
    events,
    routing: new RoutingTable({ tableName: routingTable, client: doc }),
    replay: {
      events,
      deliveries: () => new DeliveryRecords(doc, idempotencyTable, eventsTable),
      queue: new SqsEventQueue(resources.queueUrl, resources.sqs),
    },
    requests,
    attempts,
    samples: () => buildSampleWebhooks(sampleSecretsFromEnv(process.env).secrets),
    post: async (sample) => {
      const response = await fetch(`${resources.apiUrl()}${sample.path}`, {
        method: "POST",
        headers: sample.headers,
        body: sample.body,
      });
      return {
        status: response.status,
        correlation_id: response.headers.get("x-correlation-id") ?? "",
        body: await response.text(),
      };
    },
  });
  return {
    requests,
    route: consoleRoute(api),
    stop: () => {
      for (const untap of untaps) untap();
    },
  };
}
