import {
  GetQueueAttributesCommand,
  ListMessageMoveTasksCommand,
  ReceiveMessageCommand,
  SQSClient,
  StartMessageMoveTaskCommand,
  UnsupportedOperation,
} from "@aws-sdk/client-sqs";
import { mockClient } from "aws-sdk-client-mock";
import { afterEach, describe, expect, it } from "vitest";
import { isUnsupportedActionError, redriveDeadLetters } from "../../../shared/operations/dead-letter-queue";
import { EMULATOR_CREDENTIALS, EMULATOR_REGION } from "../../support/emulator-credentials";

const DLQ = "https://sqs.us-east-1.amazonaws.com/123456789012/webhooks-dlq";
const QUEUE = "https://sqs.us-east-1.amazonaws.com/123456789012/webhooks";
const client = new SQSClient({ region: EMULATOR_REGION, credentials: EMULATOR_CREDENTIALS });
const sqs = mockClient(client);

const arnOf = (url: string) => `arn:aws:sqs:us-east-1:123456789012:${url.split("/").pop()}`;

afterEach(() => {
  sqs.reset();
});

function queueArns() {
  sqs
    .on(GetQueueAttributesCommand, { QueueUrl: DLQ })
    .resolves({ Attributes: { QueueArn: arnOf(DLQ) } })
    .on(GetQueueAttributesCommand, { QueueUrl: QUEUE })
    .resolves({ Attributes: { QueueArn: arnOf(QUEUE) } });
}

const noSleep = async () => undefined;

describe("redriveDeadLetters with SQS's message move task", () => {
  it("starts a move task from the dead-letter queue to the webhook queue and waits for it", async () => {
    queueArns();
    sqs.on(StartMessageMoveTaskCommand).resolves({ TaskHandle: "task-1" });
    sqs
      .on(ListMessageMoveTasksCommand)
      .resolvesOnce({
        Results: [{ TaskHandle: "task-1", Status: "RUNNING", ApproximateNumberOfMessagesMoved: 3 }],
      })
      .resolves({
        Results: [
          {
            TaskHandle: "task-1",
            Status: "COMPLETED",
            ApproximateNumberOfMessagesMoved: 7,
            ApproximateNumberOfMessagesToMove: 7,
          },
        ],
      });
    const result = await redriveDeadLetters({
      sqs: client,
      deadLetterQueueUrl: DLQ,
      queueUrl: QUEUE,
      maxPerSecond: 25,
      sleep: noSleep,
    });
    expect(result).toEqual({
      method: "move-task",
      task_handle: "task-1",
      status: "COMPLETED",
      moved: 7,
      to_move: 7,
    });
    expect(sqs.commandCalls(StartMessageMoveTaskCommand)[0]!.args[0].input).toEqual({
      SourceArn: arnOf(DLQ),
      DestinationArn: arnOf(QUEUE),
      MaxNumberOfMessagesPerSecond: 25,
    });
    expect(sqs.commandCalls(ListMessageMoveTasksCommand)).toHaveLength(2);
    expect(sqs.commandCalls(ReceiveMessageCommand)).toHaveLength(0);
  });

  it("reports a failed task with its reason", async () => {
    queueArns();
    sqs.on(StartMessageMoveTaskCommand).resolves({ TaskHandle: "task-2" });
    sqs.on(ListMessageMoveTasksCommand).resolves({
      Results: [
        {
          TaskHandle: "task-2",
          Status: "FAILED",
          ApproximateNumberOfMessagesMoved: 1,
          FailureReason: "AccessDenied",
        },
      ],
    });
    expect(
      await redriveDeadLetters({ sqs: client, deadLetterQueueUrl: DLQ, queueUrl: QUEUE, sleep: noSleep }),
    ).toMatchObject({
      status: "FAILED",
      moved: 1,
      failure_reason: "AccessDenied",
    });
  });

  it("does not wait with wait: false", async () => {
    queueArns();
    sqs.on(StartMessageMoveTaskCommand).resolves({ TaskHandle: "task-3" });
    expect(
      await redriveDeadLetters({ sqs: client, deadLetterQueueUrl: DLQ, queueUrl: QUEUE, wait: false }),
    ).toEqual({
      method: "move-task",
      task_handle: "task-3",
      status: "RUNNING",
      moved: 0,
    });
    expect(sqs.commandCalls(ListMessageMoveTasksCommand)).toHaveLength(0);
  });

  it("falls back to moving messages itself only when the endpoint lacks the action", async () => {
    queueArns();
    const unknown = Object.assign(new Error("Unknown action: StartMessageMoveTask"), {
      name: "InvalidAction",
    });
    sqs.on(StartMessageMoveTaskCommand).rejects(unknown);
    sqs.on(ReceiveMessageCommand).resolves({});
    const fallbacks: string[] = [];
    expect(
      await redriveDeadLetters({
        sqs: client,
        deadLetterQueueUrl: DLQ,
        queueUrl: QUEUE,
        onFallback: (reason) => fallbacks.push(reason),
      }),
    ).toEqual({ method: "receive-send-delete", moved: 0, failed: [], not_deleted: [] });
    expect(fallbacks).toEqual(["InvalidAction: Unknown action: StartMessageMoveTask"]);

    sqs.reset();
    queueArns();
    const running = new UnsupportedOperation({ message: "There is already a task running", $metadata: {} });
    sqs.on(StartMessageMoveTaskCommand).rejects(running);
    await expect(
      redriveDeadLetters({ sqs: client, deadLetterQueueUrl: DLQ, queueUrl: QUEUE }),
    ).rejects.toThrow("already a task running");
    expect(sqs.commandCalls(ReceiveMessageCommand)).toHaveLength(0);
  });
});

describe("isUnsupportedActionError", () => {
  const error = (name: string, message: string, status?: number) =>
    Object.assign(new Error(message), { name, ...(status ? { $metadata: { httpStatusCode: status } } : {}) });

  it("recognises emulators' answers to an action they do not implement", () => {
    expect(isUnsupportedActionError(error("InvalidAction", "Unknown action: StartMessageMoveTask"))).toBe(
      true,
    );
    expect(isUnsupportedActionError(error("UnknownOperationException", "Unknown operation"))).toBe(true);
    expect(isUnsupportedActionError(error("Error", "StartMessageMoveTask is not yet implemented"))).toBe(
      true,
    );
    expect(isUnsupportedActionError(error("Error", "whatever", 501))).toBe(true);
    expect(isUnsupportedActionError(error("UnsupportedOperation", "The action is not supported"))).toBe(true);
  });

  it("does not mistake SQS refusing this move for a missing action", () => {
    expect(isUnsupportedActionError(error("AccessDeniedException", "not authorized"))).toBe(false);
    expect(isUnsupportedActionError(error("UnsupportedOperation", "There is already a task running"))).toBe(
      false,
    );
    expect(isUnsupportedActionError(error("ResourceNotFoundException", "queue does not exist"))).toBe(false);
    expect(isUnsupportedActionError("InvalidAction")).toBe(false);
  });
});
