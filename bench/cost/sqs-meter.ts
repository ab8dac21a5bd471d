import type { ObservedExchange } from "./meter-proxy";
import type { Tally } from "./tally";

/** SQS bills each 64 KB chunk of a request's payload as one request. */
export const SQS_CHUNK_BYTES = 64 * 1024;

interface WireMessage {
  Body?: string;
  MessageBody?: string;
  MessageAttributes?: Record<string, { DataType?: string; StringValue?: string; BinaryValue?: string }>;
}

const utf8 = (text: string | undefined) => Buffer.byteLength(text ?? "", "utf8");

/** What counts towards a message's size: its body and every attribute's name, type and value. */
export function messagePayloadBytes(message: WireMessage): number {
  const attributes = Object.entries(message.MessageAttributes ?? {}).reduce(
    (sum, [name, a]) =>
      sum +
      utf8(name) +
      utf8(a.DataType) +
      utf8(a.StringValue) +
      (a.BinaryValue ? Buffer.from(a.BinaryValue, "base64").length : 0),
    0,
  );
  return utf8(message.Body ?? message.MessageBody) + attributes;
}

export const billedSqsRequests = (payloadBytes: number) =>
  Math.max(1, Math.ceil(payloadBytes / SQS_CHUNK_BYTES));

const parse = (body: Buffer): Record<string, unknown> => {
  try {
    return JSON.parse(body.toString("utf8") || "{}");
  } catch {
    return {};
  }
};

/**
 * Counts one SQS exchange (JSON protocol, as the SDK speaks it) into `tally`: `sqs:<Operation>`
 * calls, `sqs.billed` requests after 64 KB chunking, messages sent, received and deleted. Receives
 * that return nothing are counted apart (`sqs.emptyReceives`): they are the poller idling, a
 * monthly cost that does not grow with traffic, not a cost of any event. Returns false for those:
 * the pipeline had nothing to do.
 */
export function meterSqs(exchange: ObservedExchange, tally: Tally): boolean {
  const target = exchange.headers["x-amz-target"];
  const operation = typeof target === "string" ? target.replace(/^AmazonSQS\./, "") : "unknown";
  const request = parse(exchange.requestBody);
  const response = exchange.status < 300 ? parse(exchange.responseBody) : {};
  tally.add(`sqs:${operation}`);
  if (exchange.status >= 300) tally.add("sqs.failed");

  let payload = 0;
  switch (operation) {
    case "SendMessage":
      payload = messagePayloadBytes(request as WireMessage);
      tally.add("sqs.sent");
      break;
    case "SendMessageBatch": {
      const entries = (request.Entries ?? []) as WireMessage[];
      payload = entries.reduce((sum, m) => sum + messagePayloadBytes(m), 0);
      tally.add("sqs.sent", entries.length);
      break;
    }
    case "ReceiveMessage": {
      const messages = (response.Messages ?? []) as WireMessage[];
      if (messages.length === 0) {
        tally.add("sqs.emptyReceives");
        return false;
      }
      payload = messages.reduce((sum, m) => sum + messagePayloadBytes(m), 0);
      tally.add("sqs.received", messages.length);
      break;
    }
    case "DeleteMessageBatch":
      tally.add("sqs.deleted", ((response.Successful ?? []) as unknown[]).length);
      break;
    case "DeleteMessage":
      if (exchange.status < 300) tally.add("sqs.deleted");
      break;
  }
  tally.add("sqs.billed", billedSqsRequests(payload));
  return true;
}
