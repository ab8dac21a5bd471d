import { type EnvelopeMeta, serialiseEnvelope, serialiseRefEnvelope } from "../envelope/envelope";
import { envelopeAttributes } from "../envelope/message-attributes";
import { payloadKey, payloadRef } from "../payloads/payload-ref";
import { type PayloadStore, PayloadUnavailableError } from "../payloads/payload-store";
import type { WebhookEvent } from "../providers/provider";
import { type QueueMessage, queueMessageBytes } from "../queue/event-queue";

/** One parsed event with the envelope fields it is queued under. */
export interface EnvelopedEvent {
  meta: EnvelopeMeta;
  event: WebhookEvent;
}

export type QueueMessages =
  /** `stored[i]`: the i-th event's payload went to the payload store and its message points at it. */
  | { ok: true; messages: QueueMessage[]; stored: boolean[] }
  | { ok: false; reason: "too_large" | "unavailable"; problem: string };

interface Planned {
  message: QueueMessage;
  payload?: { key: string; body: Buffer };
}

const refused = (reason: "too_large" | "unavailable", problem: string): QueueMessages => ({
  ok: false,
  reason,
  problem,
});

/**
 * The queue message of each event: its envelope with the payload's text inline (v3) when the message
 * as sent fits the queue's limit (the text is escaped inside the envelope, so it counts for more
 * than its own bytes), else (given a payload store) a v2 envelope pointing at the payload, which is
 * stored first. Every event is checked before anything is stored, so a request refused as too large
 * leaves nothing behind; resolves only once every payload that needed storing is stored.
 */
export async function toQueueMessages(
  events: readonly EnvelopedEvent[],
  maxMessageBytes: number,
  payloads?: PayloadStore,
): Promise<QueueMessages> {
  const planned: Planned[] = [];
  for (const { meta, event } of events) {
    const attributes = envelopeAttributes(meta);
    const inline: QueueMessage = { body: serialiseEnvelope(meta, event.payloadText), attributes };
    if (queueMessageBytes(inline) <= maxMessageBytes) {
      planned.push({ message: inline });
      continue;
    }
    const tooLarge = `the event does not fit in one queue message (limit ${maxMessageBytes} bytes)`;
    if (!payloads) return refused("too_large", `${tooLarge} and no payload bucket is configured`);
    // The payload's exact bytes as sent (the request body itself when it is the payload), not the
    // escaped, SQS-safe copy the inline message would have carried.
    const body = Buffer.from(event.payloadText, "utf8");
    const key = payloadKey(meta.id, new Date(meta.received_at));
    const message: QueueMessage = {
      body: serialiseRefEnvelope(meta, payloadRef(payloads.bucket, key, body)),
      attributes,
    };
    if (queueMessageBytes(message) > maxMessageBytes) {
      return refused("too_large", `${tooLarge}, even with its payload stored apart`);
    }
    planned.push({ message, payload: { key, body } });
  }
  try {
    await Promise.all(
      planned.map((p) => (p.payload ? payloads!.put(p.payload.key, p.payload.body) : undefined)),
    );
  } catch (error) {
    if (error instanceof PayloadUnavailableError) return refused("unavailable", error.message);
    throw error;
  }
  return {
    ok: true,
    messages: planned.map((p) => p.message),
    stored: planned.map((p) => p.payload !== undefined),
  };
}
