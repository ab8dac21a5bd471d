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
  /** The UTF-8 encoding of the event's payload text, when it is at hand (the payload is the body). */
  payloadBytes?: Buffer;
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
 * Whether a message is within the queue's limit. UTF-8 takes at most 3 bytes per UTF-16 code unit,
 * so a message whose code units, tripled, fit is not measured at all: only one near the limit is.
 */
function fits(message: QueueMessage, maxMessageBytes: number): boolean {
  let units = message.body.length;
  for (const name in message.attributes)
    units += name.length + "String".length + message.attributes[name]!.length;
  return units * 3 <= maxMessageBytes || queueMessageBytes(message) <= maxMessageBytes;
}

/**
 * The queue message of each event: its envelope with the payload's text inline (v4, or v3 where it
 * must be escaped and so counts for more than its own bytes) when the message as sent fits the
 * queue's limit, else (given a payload store) a v2 envelope pointing at the payload, which is
 * stored first. Every event is checked before anything is stored, so a request refused as too large
 * leaves nothing behind. A promise only when some payload must be stored, resolved once every one
 * is: most requests store nothing, and are not charged an async step for it.
 */
export function toQueueMessages(
  events: readonly EnvelopedEvent[],
  maxMessageBytes: number,
  payloads?: PayloadStore,
): QueueMessages | Promise<QueueMessages> {
  const planned: Planned[] = [];
  let storing = false;
  for (const { meta, event, payloadBytes } of events) {
    const attributes = envelopeAttributes(meta);
    const inline: QueueMessage = {
      body: serialiseEnvelope(meta, event.payloadText, payloadBytes),
      attributes,
    };
    if (fits(inline, maxMessageBytes)) {
      planned.push({ message: inline });
      continue;
    }
    const tooLarge = `the event does not fit in one queue message (limit ${maxMessageBytes} bytes)`;
    if (!payloads) return refused("too_large", `${tooLarge} and no payload bucket is configured`);
    // The payload's exact bytes as sent (the request body itself when it is the payload), not the
    // escaped, SQS-safe copy the inline message would have carried.
    const body = payloadBytes ?? Buffer.from(event.payloadText, "utf8");
    const key = payloadKey(meta.id, new Date(meta.received_at));
    const message: QueueMessage = {
      body: serialiseRefEnvelope(meta, payloadRef(payloads.bucket, key, body)),
      attributes,
    };
    if (!fits(message, maxMessageBytes)) {
      return refused("too_large", `${tooLarge}, even with its payload stored apart`);
    }
    planned.push({ message, payload: { key, body } });
    storing = true;
  }
  return storing ? storedApart(planned, payloads!) : prepared(planned);
}

const prepared = (planned: readonly Planned[]): QueueMessages => ({
  ok: true,
  messages: planned.map((p) => p.message),
  stored: planned.map((p) => p.payload !== undefined),
});

/** The messages once the payloads planned apart are stored, together. */
async function storedApart(planned: readonly Planned[], payloads: PayloadStore): Promise<QueueMessages> {
  try {
    await Promise.all(
      planned.map((p) => (p.payload ? payloads.put(p.payload.key, p.payload.body) : undefined)),
    );
  } catch (error) {
    if (error instanceof PayloadUnavailableError) return refused("unavailable", error.message);
    throw error;
  }
  return prepared(planned);
}
