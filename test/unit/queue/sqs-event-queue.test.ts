import { GetQueueAttributesCommand, SendMessageCommand, SQSClient } from "@aws-sdk/client-sqs";
import { mockClient } from "aws-sdk-client-mock";
import { afterEach, describe, expect, it } from "vitest";
import { QueueUnavailableError } from "../../../shared/queue/event-queue";
import { SqsEventQueue } from "../../../shared/queue/sqs-event-queue";
import { EMULATOR_CREDENTIALS, EMULATOR_REGION } from "../../support/emulator-credentials";

const QUEUE_URL = "https://sqs.us-east-1.amazonaws.com/123456789012/webhooks";
const client = new SQSClient({ region: EMULATOR_REGION, credentials: EMULATOR_CREDENTIALS });
const sqs = mockClient(client);

afterEach(() => {
  sqs.reset();
});

const message = (n: number) => ({
  body: `{"n":${n}}`,
  attributes: { provider: "github", event_type: "issues", delivery_key: `d-${n}`, correlation_id: "c" },
});

describe("SqsEventQueue", () => {
  it("sends each message with string message attributes", async () => {
    sqs.on(SendMessageCommand).resolves({ MessageId: "m-1" });
    await new SqsEventQueue(QUEUE_URL, client).send([message(1), message(2)]);
    const calls = sqs.commandCalls(SendMessageCommand);
    expect(calls.map((c) => c.args[0].input)).toEqual([
      {
        QueueUrl: QUEUE_URL,
        MessageBody: '{"n":1}',
        MessageAttributes: {
          provider: { DataType: "String", StringValue: "github" },
          event_type: { DataType: "String", StringValue: "issues" },
          delivery_key: { DataType: "String", StringValue: "d-1" },
          correlation_id: { DataType: "String", StringValue: "c" },
        },
      },
      expect.objectContaining({ MessageBody: '{"n":2}' }),
    ]);
  });

  it("wraps an SQS failure in QueueUnavailableError, keeping the cause", async () => {
    const cause = Object.assign(new Error("The specified queue does not exist."), {
      name: "QueueDoesNotExist",
    });
    sqs.on(SendMessageCommand).rejects(cause);
    const error = await new SqsEventQueue(QUEUE_URL, client).send([message(1)]).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(QueueUnavailableError);
    expect((error as Error).message).toMatch(
      /did not accept the message: The specified queue does not exist/,
    );
    expect((error as Error).cause).toBe(cause);
  });

  it("fails the whole send when any one message fails", async () => {
    sqs.on(SendMessageCommand).resolvesOnce({ MessageId: "m-1" }).rejectsOnce(new Error("throttled"));
    await expect(new SqsEventQueue(QUEUE_URL, client).send([message(1), message(2)])).rejects.toBeInstanceOf(
      QueueUnavailableError,
    );
  });
});

describe("SqsEventQueue as the health check's probe", () => {
  it("asks the queue for one attribute, and fails when the queue does not answer", async () => {
    sqs
      .on(GetQueueAttributesCommand)
      .resolves({ Attributes: { QueueArn: "arn:aws:sqs:us-east-1:1:webhooks" } });
    await new SqsEventQueue(QUEUE_URL, client).probe();
    expect(sqs.commandCalls(GetQueueAttributesCommand)[0]!.args[0].input).toEqual({
      QueueUrl: QUEUE_URL,
      AttributeNames: ["QueueArn"],
    });
    sqs.on(GetQueueAttributesCommand).rejects(new Error("AWS.SimpleQueueService.NonExistentQueue"));
    await expect(new SqsEventQueue(QUEUE_URL, client).probe()).rejects.toThrow(/NonExistentQueue/);
  });
});
