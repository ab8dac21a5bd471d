import { randomBytes } from "node:crypto";
import type { SendMessageRequest, SQSClient } from "@aws-sdk/client-sqs";

/**
 * X-Ray traces for a fixed fraction of the queued events. Lambda samples an Active function at its
 * own rate (the first request each second, then 5 %), which at a webhook trickle records nearly
 * every invocation, and no X-Ray sampling rule changes it. So the functions run PassThrough, where
 * Lambda records only a request an upstream service sampled (an HTTP API never does), and ingest
 * samples: the message of a chosen event carries the `AWSTraceHeader` system attribute with a new
 * trace marked `Sampled=1` (it overrides the header SQS would take from the HTTP request), which the
 * router's Lambda follows. No reservoir: one per instance of each of the nine functions would take
 * the first event of every second, which at low traffic is nearly all of them; a pure rate traces
 * that fraction of events at any traffic.
 */

/** TRACING_SAMPLE_RATE (0 to 1, the stack sets it from `tracingSampleRate`); unset: no traces. */
export function tracingSampleRateFromEnv(env: NodeJS.ProcessEnv = process.env): number {
  const raw = env.TRACING_SAMPLE_RATE?.trim();
  if (!raw) return 0;
  const rate = Number(raw);
  if (!Number.isFinite(rate) || rate < 0 || rate > 1) {
    throw new Error(`TRACING_SAMPLE_RATE must be a number from 0 to 1, got '${raw}'`);
  }
  return rate;
}

/** An X-Ray trace header starting a new, recorded trace: `Root=1-<epoch seconds>-<96 random bits>`. */
export function newSampledTraceHeader(now: Date): string {
  const epoch = Math.floor(now.getTime() / 1000)
    .toString(16)
    .padStart(8, "0");
  return `Root=1-${epoch}-${randomBytes(12).toString("hex")};Sampled=1`;
}

/** Makes `client` start a trace for each message it sends with probability `rate`. */
export function sampleTraces(client: SQSClient, rate: number, random: () => number = Math.random): void {
  if (rate <= 0) return;
  client.middlewareStack.add(
    (next) => async (args) => {
      const input = args.input as Partial<SendMessageRequest>;
      if (input.MessageBody === undefined || random() >= rate) return next(args);
      const header = { DataType: "String", StringValue: newSampledTraceHeader(new Date()) };
      const traced = {
        ...input,
        MessageSystemAttributes: { ...input.MessageSystemAttributes, AWSTraceHeader: header },
      };
      return next({ ...args, input: traced as typeof args.input });
    },
    { step: "initialize", name: "sampledTraceHeader" },
  );
}
