/** Reading back what the ingest handler put on a real (emulated) queue, shared by the ingest integration tests. */
import {
  DeleteMessageCommand,
  type Message,
  ReceiveMessageCommand,
  type SQSClient,
} from "@aws-sdk/client-sqs";
import type { Envelope } from "../../../shared/envelope/envelope";
import { envelopeOf } from "../../support/envelopes";

/** Everything on the queue at `queueUrl` right now (deleted once read). */
export async function drainQueue(sqs: SQSClient, queueUrl: string): Promise<Message[]> {
  const out: Message[] = [];
  for (;;) {
    const { Messages = [] } = await sqs.send(
      new ReceiveMessageCommand({
        QueueUrl: queueUrl,
        MaxNumberOfMessages: 10,
        WaitTimeSeconds: 0,
        MessageAttributeNames: ["All"],
      }),
    );
    if (Messages.length === 0) return out;
    for (const m of Messages) {
      out.push(m);
      await sqs.send(new DeleteMessageCommand({ QueueUrl: queueUrl, ReceiptHandle: m.ReceiptHandle! }));
    }
  }
}

/** The envelope a received message holds; throws (failing the test) when it holds none. */
export const messageEnvelope = (message: Message): Envelope => envelopeOf(message.Body!);

/** A received message's attributes, name → string value. */
export const messageAttributes = (message: Message) =>
  Object.fromEntries(Object.entries(message.MessageAttributes ?? {}).map(([k, v]) => [k, v.StringValue]));
