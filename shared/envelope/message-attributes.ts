import type { EnvelopeMeta } from "./envelope";
import { toSqsSafeAttribute } from "./sqs-safe-json";

/** The SQS message attributes every envelope is sent with, for filtering and tracing. */
export function envelopeAttributes(
  meta: Pick<EnvelopeMeta, "provider" | "event_type" | "delivery_key" | "correlation_id">,
): Record<string, string> {
  return {
    provider: meta.provider,
    event_type: toSqsSafeAttribute(meta.event_type),
    delivery_key: toSqsSafeAttribute(meta.delivery_key),
    correlation_id: toSqsSafeAttribute(meta.correlation_id),
  };
}
