import { randomUUID } from "node:crypto";
import { CreateTableCommand, DynamoDBClient, UpdateTimeToLiveCommand } from "@aws-sdk/client-dynamodb";
import {
  CreateQueueCommand,
  GetQueueAttributesCommand,
  type Message,
  ReceiveMessageCommand,
  SendMessageCommand,
  type SQSClient,
} from "@aws-sdk/client-sqs";
import { DynamoDBDocumentClient, GetCommand, QueryCommand } from "@aws-sdk/lib-dynamodb";
import type { SQSRecord } from "aws-lambda";
import { EVENTS_TABLE, IDEMPOTENCY_TABLE } from "../../../shared/config/resources";
import { eventsTableDefinition, idempotencyTableDefinition } from "../../../shared/config/table-definitions";
import type { Envelope } from "../../../shared/envelope/envelope";
import { routingTableDefinition } from "../../../shared/routing/routing-table-definition";
import { EMULATOR_CREDENTIALS, EMULATOR_REGION } from "../../support/emulator-credentials";

export interface RouterTables {
  routingTable: string;
  eventsTable: string;
  idempotencyTable: string;
}

export function dynamoClient(endpoint: string, maxAttempts = 3): DynamoDBClient {
  return new DynamoDBClient({
    endpoint,
    region: EMULATOR_REGION,
    credentials: EMULATOR_CREDENTIALS,
    maxAttempts,
  });
}

/** The router's three tables, uniquely named, created from the shared definitions. */
export async function createRouterTables(client: DynamoDBClient, label: string): Promise<RouterTables> {
  const suffix = `${label}-${randomUUID().slice(0, 8)}`;
  const tables = {
    routingTable: `routing-${suffix}`,
    eventsTable: `events-${suffix}`,
    idempotencyTable: `idempotency-${suffix}`,
  };
  await client.send(new CreateTableCommand(routingTableDefinition(tables.routingTable)));
  await client.send(new CreateTableCommand(eventsTableDefinition(tables.eventsTable)));
  await client.send(new CreateTableCommand(idempotencyTableDefinition(tables.idempotencyTable)));
  for (const [name, attribute] of [
    [tables.eventsTable, EVENTS_TABLE.ttlAttribute],
    [tables.idempotencyTable, IDEMPOTENCY_TABLE.ttlAttribute],
  ] as const) {
    await client.send(
      new UpdateTimeToLiveCommand({
        TableName: name,
        TimeToLiveSpecification: { AttributeName: attribute, Enabled: true },
      }),
    );
  }
  return tables;
}

export function eventsReader(client: DynamoDBClient, tableName: string) {
  const doc = DynamoDBDocumentClient.from(client);
  return {
    async get(eventId: string): Promise<Record<string, unknown> | undefined> {
      const { Item } = await doc.send(
        new GetCommand({
          TableName: tableName,
          Key: { [EVENTS_TABLE.partitionKey]: eventId },
          ConsistentRead: true,
        }),
      );
      return Item;
    },
    async byStatus(status: string): Promise<Record<string, unknown>[]> {
      const { Items = [] } = await doc.send(
        new QueryCommand({
          TableName: tableName,
          IndexName: EVENTS_TABLE.statusIndex.name,
          KeyConditionExpression: "#s = :s",
          ExpressionAttributeNames: { "#s": EVENTS_TABLE.statusIndex.partitionKey },
          ExpressionAttributeValues: { ":s": status },
          ScanIndexForward: false,
        }),
      );
      return Items;
    },
  };
}

/** A queue (with a dead-letter queue after `maxReceiveCount` receives when given). */
export async function createQueue(sqs: SQSClient, label: string, maxReceiveCount?: number) {
  const name = `router-${label}-${randomUUID().slice(0, 8)}`;
  let dlqUrl: string | undefined;
  const attributes: Record<string, string> = {};
  if (maxReceiveCount !== undefined) {
    dlqUrl = (await sqs.send(new CreateQueueCommand({ QueueName: `${name}-dlq` }))).QueueUrl!;
    const { Attributes } = await sqs.send(
      new GetQueueAttributesCommand({ QueueUrl: dlqUrl, AttributeNames: ["QueueArn"] }),
    );
    attributes.RedrivePolicy = JSON.stringify({
      deadLetterTargetArn: Attributes!.QueueArn,
      maxReceiveCount,
    });
  }
  const { QueueUrl } = await sqs.send(new CreateQueueCommand({ QueueName: name, Attributes: attributes }));
  return { queueUrl: QueueUrl!, dlqUrl };
}

/** The message attributes ingest sets (provider, event type, delivery key, correlation id). */
function attributesOf(envelope: Envelope) {
  return {
    provider: { DataType: "String", StringValue: envelope.provider },
    event_type: { DataType: "String", StringValue: envelope.event_type },
    delivery_key: { DataType: "String", StringValue: envelope.delivery_key },
    correlation_id: { DataType: "String", StringValue: envelope.correlation_id },
  };
}

export async function sendBodies(sqs: SQSClient, queueUrl: string, messages: Array<Envelope | string>) {
  for (const message of messages) {
    await sqs.send(
      new SendMessageCommand({
        QueueUrl: queueUrl,
        MessageBody: typeof message === "string" ? message : JSON.stringify(message),
        ...(typeof message === "string" ? {} : { MessageAttributes: attributesOf(message) }),
      }),
    );
  }
}

/** Receives up to `count` messages, holding them for `visibilitySeconds`, as Lambda's poller would. */
export async function receive(
  sqs: SQSClient,
  queueUrl: string,
  count: number,
  visibilitySeconds = 2,
): Promise<Message[]> {
  const out: Message[] = [];
  for (let tries = 0; out.length < count && tries < 10; tries++) {
    const { Messages = [] } = await sqs.send(
      new ReceiveMessageCommand({
        QueueUrl: queueUrl,
        MaxNumberOfMessages: Math.min(10, count - out.length),
        VisibilityTimeout: visibilitySeconds,
        WaitTimeSeconds: 0,
        MessageSystemAttributeNames: ["All"],
        MessageAttributeNames: ["All"],
      }),
    );
    out.push(...Messages);
  }
  return out;
}

/** An SQS message as Lambda's event source mapping hands it to the function. */
export function lambdaRecord(
  message: Message,
  queueArn = "arn:aws:sqs:us-east-1:000000000000:router",
): SQSRecord {
  const a = message.Attributes ?? {};
  return {
    messageId: message.MessageId!,
    receiptHandle: message.ReceiptHandle!,
    body: message.Body!,
    attributes: {
      ApproximateReceiveCount: a.ApproximateReceiveCount ?? "1",
      SentTimestamp: a.SentTimestamp ?? String(Date.now()),
      SenderId: a.SenderId ?? "AIDAEXAMPLE",
      ApproximateFirstReceiveTimestamp: a.ApproximateFirstReceiveTimestamp ?? String(Date.now()),
    },
    messageAttributes: Object.fromEntries(
      Object.entries(message.MessageAttributes ?? {}).map(([name, v]) => [
        name,
        { dataType: v.DataType ?? "String", stringValue: v.StringValue },
      ]),
    ),
    md5OfBody: message.MD5OfBody ?? "",
    eventSource: "aws:sqs",
    eventSourceARN: queueArn,
    awsRegion: EMULATOR_REGION,
  };
}

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
