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
