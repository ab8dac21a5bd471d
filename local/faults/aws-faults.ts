import type { ProxyRule } from "./fault-proxy";

/** The faults a proxy in front of an emulator injects; the soak switches them while it runs. */
export interface AwsFaultSwitches {
  /** Fraction of requests refused as throttled (DynamoDB: ProvisionedThroughputExceededException). */
  throttleRate: number;
  /** While true every request's connection is reset: the service is unreachable. */
  unreachable: boolean;
  /** While true the queue answers SendMessage with HTTP 500 (SQS only). */
  refuseSends: boolean;
}

export const noAwsFaults = (): AwsFaultSwitches => ({
  throttleRate: 0,
  unreachable: false,
  refuseSends: false,
});

const jsonError = (status: number, type: string, message: string) => ({
  kind: "answer" as const,
  status,
  headers: { "content-type": "application/x-amz-json-1.0", "x-amzn-requestid": crypto.randomUUID() },
  body: JSON.stringify({ __type: type, message }),
});

/** DynamoDB's own throttling answer: the SDK retries it with its throttling backoff, then throws. */
export function dynamoDbFaultRule(switches: AwsFaultSwitches, random: () => number = Math.random): ProxyRule {
  return () => {
    if (switches.unreachable) return { kind: "reset", name: "reset (unreachable)" };
    if (random() < switches.throttleRate) {
      return {
        ...jsonError(
          400,
          "com.amazonaws.dynamodb.v20120810#ProvisionedThroughputExceededException",
          "The level of configured provisioned throughput for the table was exceeded (soak fault)",
        ),
        name: "throttled",
      };
    }
    return { kind: "forward" };
  };
}

/** The SQS operation of a request: the JSON protocol's target header, or the query protocol's Action. */
function sqsOperation(headers: Record<string, string | string[] | undefined>, body: Buffer): string {
  const target = headers["x-amz-target"];
  if (typeof target === "string") return target.replace(/^AmazonSQS\./, "");
  return /(?:^|&)Action=([A-Za-z]+)/.exec(body.toString("latin1"))?.[1] ?? "";
}

/** Refuses sends (not receives or deletes) with a 500 while `refuseSends` is on. */
export function sqsFaultRule(switches: AwsFaultSwitches): ProxyRule {
  return ({ headers, body }) => {
    if (switches.unreachable) return { kind: "reset", name: "reset (unreachable)" };
    if (switches.refuseSends && sqsOperation(headers, body).startsWith("SendMessage")) {
      return {
        ...jsonError(500, "InternalError", "the queue refuses sends (soak fault)"),
        name: "send refused",
      };
    }
    return { kind: "forward" };
  };
}
