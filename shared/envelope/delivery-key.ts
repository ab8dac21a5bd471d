import { createHash } from "node:crypto";

/** What names a delivery: the route it came in on, the generic source if any, and the provider's own id. */
export interface DeliveryKeyParts {
  route: string;
  source?: string | undefined;
  delivery_key: string;
}

/**
 * The key a delivery is deduplicated and looked up under: `<route>[:<source>]:<delivery id>`. Two
 * routes or two generic sources never share a key space, so one sender's ids cannot suppress
 * another sender's alerts.
 */
export function namespacedDeliveryKey(parts: DeliveryKeyParts): string {
  return parts.source
    ? `${parts.route}:${parts.source}:${parts.delivery_key}`
    : `${parts.route}:${parts.delivery_key}`;
}

/** DynamoDB keys hold at most 2048 bytes; a sender may make its delivery id far longer. */
const MAX_STORED_KEY_BYTES = 1024;

/**
 * The form of a namespaced delivery key used as a table key: the key itself when it fits, else
 * `sha256:<hex>` of it, so a sender's overlong id is still deduplicated instead of failing the write.
 */
export function storedDeliveryKey(key: string): string {
  if (Buffer.byteLength(key, "utf8") <= MAX_STORED_KEY_BYTES) return key;
  return `sha256:${createHash("sha256").update(key, "utf8").digest("hex")}`;
}
