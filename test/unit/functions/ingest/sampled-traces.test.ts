import { GetQueueAttributesCommand, SendMessageCommand, SQSClient } from "@aws-sdk/client-sqs";
import { describe, expect, it } from "vitest";
import {
  newSampledTraceHeader,
  sampleTraces,
  tracingSampleRateFromEnv,
} from "../../../../functions/ingest/sampled-traces";

const QUEUE_URL = "https://sqs.us-east-1.amazonaws.com/123456789012/webhooks";

/** An SQS client that sends nothing: each command's input, as the middleware left it, is kept. */
function capturingClient() {
  // No checksum of the answer: the capture answers without one.
  const client = new SQSClient({
    region: "us-east-1",
    credentials: { accessKeyId: "x", secretAccessKey: "y" },
    md5: false,
  });
  const inputs: Record<string, unknown>[] = [];
  client.middlewareStack.add(
    () => async (args) => {
      inputs.push(args.input as Record<string, unknown>);
      return { output: { $metadata: {} } as never, response: {} };
    },
    { step: "serialize", name: "captureInput", priority: "high" },
  );
  return { client, inputs };
}

const send = (client: SQSClient) =>
  client.send(new SendMessageCommand({ QueueUrl: QUEUE_URL, MessageBody: "{}" }));

describe("sampleTraces", () => {
  it("starts a recorded trace on the messages it samples, through the AWSTraceHeader system attribute", async () => {
    const { client, inputs } = capturingClient();
    const draws = [0.004, 0.5];
    sampleTraces(client, 0.01, () => draws.shift()!);
    await send(client);
    await send(client);
    const [sampled, unsampled] = inputs;
    expect(sampled!.MessageSystemAttributes).toEqual({
      AWSTraceHeader: {
        DataType: "String",
        StringValue: expect.stringMatching(/^Root=1-[0-9a-f]{8}-[0-9a-f]{24};Sampled=1$/),
      },
    });
    expect(unsampled).not.toHaveProperty("MessageSystemAttributes");
  });

  it("leaves other commands, and every message at rate 0, untouched", async () => {
    const { client, inputs } = capturingClient();
    sampleTraces(client, 1, () => 0);
    await client.send(new GetQueueAttributesCommand({ QueueUrl: QUEUE_URL, AttributeNames: ["QueueArn"] }));
    expect(inputs[0]).not.toHaveProperty("MessageSystemAttributes");
    const none = capturingClient();
    sampleTraces(none.client, 0, () => 0);
    await send(none.client);
    expect(none.inputs[0]).not.toHaveProperty("MessageSystemAttributes");
  });
});

describe("the trace header and the rate", () => {
  it("dates a new trace id by the current second", () => {
    expect(newSampledTraceHeader(new Date("2025-06-02T08:41:19.500Z"))).toMatch(
      new RegExp(`^Root=1-${Math.floor(Date.parse("2025-06-02T08:41:19Z") / 1000).toString(16)}-`),
    );
  });

  it("reads TRACING_SAMPLE_RATE from 0 to 1, none when unset, and refuses anything else", () => {
    expect(tracingSampleRateFromEnv({})).toBe(0);
    expect(tracingSampleRateFromEnv({ TRACING_SAMPLE_RATE: "0.01" })).toBe(0.01);
    expect(tracingSampleRateFromEnv({ TRACING_SAMPLE_RATE: "1" })).toBe(1);
    for (const bad of ["-0.1", "1.5", "often"]) {
      expect(() => tracingSampleRateFromEnv({ TRACING_SAMPLE_RATE: bad })).toThrow(/TRACING_SAMPLE_RATE/);
    }
  });
});
