import { CloudFormationClient, DescribeStacksCommand } from "@aws-sdk/client-cloudformation";
import { mockClient } from "aws-sdk-client-mock";
import { Command } from "commander";
import { afterEach, describe, expect, it } from "vitest";
import { CliError, UsageError } from "../../../cli/lib/errors";
import { captureIO } from "../../../cli/lib/io";
import { PipelineTarget } from "../../../cli/lib/pipeline-target";
import { sqsEndpointFor } from "../../../cli/lib/sqs";
import { addTargetOptions, PIPELINE_RESOURCES, type PipelineResource } from "../../../cli/lib/target-options";
import { parseSince } from "../../../cli/lib/time";

const cloudformation = mockClient(CloudFormationClient);

afterEach(() => {
  cloudformation.reset();
});

const OUTPUTS = {
  QueueUrl: "https://sqs.eu-west-1.amazonaws.com/123456789012/WebhookPipeline-Queue",
  DeadLetterQueueUrl: "https://sqs.eu-west-1.amazonaws.com/123456789012/WebhookPipeline-Dlq",
  EventsTableName: "WebhookPipeline-Events",
  RoutingTableName: "WebhookPipeline-Routing",
};

function stack(outputs: Record<string, string>) {
  cloudformation.on(DescribeStacksCommand).resolves({
    Stacks: [
      {
        StackName: "WebhookPipeline",
        StackStatus: "CREATE_COMPLETE",
        CreationTime: new Date(),
        Outputs: Object.entries(outputs).map(([OutputKey, OutputValue]) => ({ OutputKey, OutputValue })),
      },
    ],
  });
}

/** Parses `argv` with the target options of a command using every resource, and resolves the target. */
async function target(argv: string[], env: NodeJS.ProcessEnv = {}) {
  const command = addTargetOptions(
    new Command("t").exitOverride(),
    Object.keys(PIPELINE_RESOURCES) as PipelineResource[],
  );
  command.parse(argv, { from: "user" });
  return PipelineTarget.resolve(command.opts(), captureIO({ env }).io);
}

describe("PipelineTarget with --stack", () => {
  it("takes names from the stack's outputs; a bare --stack is the default stack", async () => {
    stack(OUTPUTS);
    const t = await target(["--stack", "--region", "eu-west-1"], { EVENTS_TABLE: "from-env" });
    expect(cloudformation.commandCalls(DescribeStacksCommand)[0]!.args[0].input).toEqual({
      StackName: "WebhookPipeline",
    });
    expect(t.name("eventsTable")).toBe("WebhookPipeline-Events");
    expect(t.name("routingTable")).toBe("WebhookPipeline-Routing");
    expect(t.name("queueUrl")).toBe(OUTPUTS.QueueUrl);
    expect(t.name("deadLetterQueueUrl")).toBe(OUTPUTS.DeadLetterQueueUrl);
    expect(t.region).toBe("eu-west-1");
    expect(t.sqsEndpoint(OUTPUTS.QueueUrl)).toBeUndefined();
  });

  it("a named stack, and a flag beating the stack's output", async () => {
    stack(OUTPUTS);
    const t = await target(["--stack", "Prod", "--events-table", "override"]);
    expect(cloudformation.commandCalls(DescribeStacksCommand)[0]!.args[0].input).toEqual({
      StackName: "Prod",
    });
    expect(t.name("eventsTable")).toBe("override");
  });

  it("an output the stack lacks names the flag and variable to use instead", async () => {
    stack(OUTPUTS);
    const t = await target(["--stack"]);
    expect(() => t.name("idempotencyTable")).toThrow(
      new CliError(
        "stack WebhookPipeline has no output IdempotencyTableName: pass --idempotency-table NAME or set IDEMPOTENCY_TABLE",
      ),
    );
  });

  it("a stack that does not exist is a clear failure", async () => {
    cloudformation.on(DescribeStacksCommand).rejects(
      Object.assign(new Error("Stack with id Nope does not exist"), {
        name: "ValidationError",
        $metadata: {},
      }),
    );
    await expect(target(["--stack", "Nope", "--region", "eu-west-1"])).rejects.toThrow(
      "stack Nope does not exist in eu-west-1: check --stack and --region / AWS_REGION",
    );
  });
});

describe("the target options", () => {
  it("--local excludes --stack and the endpoints, with a usage error naming both", async () => {
    for (const other of [
      ["--stack"],
      ["--stack", "Prod"],
      ["--dynamodb-endpoint", "http://127.0.0.1:1"],
      ["--sqs-endpoint", "http://127.0.0.1:1"],
    ]) {
      await expect(target(["--local", ...other])).rejects.toThrow(
        `option '--local' cannot be used with option '${other[0]}`,
      );
    }
    expect(cloudformation.commandCalls(DescribeStacksCommand)).toHaveLength(0);
  });

  it("--stack alone is the default stack even before another option; an option's value must be given", async () => {
    stack(OUTPUTS);
    await target(["--stack", "--routing-table", "mine"]);
    expect(cloudformation.commandCalls(DescribeStacksCommand)[0]!.args[0].input).toEqual({
      StackName: "WebhookPipeline",
    });
    await expect(target(["--events-table"])).rejects.toThrow(
      "option '--events-table <name>' argument missing",
    );
  });

  it("an endpoint that is no URL is a usage error naming the option", async () => {
    const t = await target(["--dynamodb-endpoint", "nowhere"]);
    expect(() => t.dynamodbEndpoint).toThrow(
      new UsageError('--dynamodb-endpoint must be a URL like http://127.0.0.1:8000, got "nowhere"'),
    );
  });
});

describe("PipelineTarget from the environment", () => {
  it("reads the Lambdas' own variables, and says what to set when one is missing", async () => {
    const t = await target([], {
      QUEUE_URL: "https://sqs.us-east-1.amazonaws.com/1/q",
      AWS_REGION: "us-east-1",
    });
    expect(t.name("queueUrl")).toBe("https://sqs.us-east-1.amazonaws.com/1/q");
    expect(() => t.name("deadLetterQueueUrl")).toThrow(UsageError);
    expect(() => t.name("deadLetterQueueUrl")).toThrow(
      "no dead-letter queue: pass --dlq-url URL, set DEAD_LETTER_QUEUE_URL, or use --local (the local pipeline) or --stack [NAME]",
    );
  });
});

describe("sqsEndpointFor", () => {
  it("derives an emulator's endpoint from its queue URL, never AWS's", () => {
    expect(sqsEndpointFor("http://sqs.us-east-1.localhost:4566/000000000000/q", undefined)).toBe(
      "http://127.0.0.1:4566",
    );
    expect(sqsEndpointFor("http://127.0.0.1:9324/000000000000/q", undefined)).toBe("http://127.0.0.1:9324");
    expect(sqsEndpointFor("https://sqs.us-east-1.amazonaws.com/1/q", undefined)).toBeUndefined();
    expect(sqsEndpointFor("http://sqs.us-east-1.localhost:4566/0/q", "http://other:1")).toBe(
      "http://other:1",
    );
  });
});

describe("parseSince", () => {
  const now = new Date("2026-05-01T12:00:00.000Z");
  it("takes durations and ISO timestamps", () => {
    expect(parseSince("30m", now).toISOString()).toBe("2026-05-01T11:30:00.000Z");
    expect(parseSince("24h", now).toISOString()).toBe("2026-04-30T12:00:00.000Z");
    expect(parseSince("7d", now).toISOString()).toBe("2026-04-24T12:00:00.000Z");
    expect(parseSince("2026-04-01T00:00:00Z", now).toISOString()).toBe("2026-04-01T00:00:00.000Z");
  });
  it("refuses anything else", () => {
    for (const bad of ["1w", "h", "0h", "yesterday", ""])
      expect(() => parseSince(bad, now)).toThrow(UsageError);
  });
});
