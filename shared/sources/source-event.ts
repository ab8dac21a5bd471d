import { contentDeliveryKey } from "../providers/body";
import { collectIdentifiers, type IdentifierKind, type RoutingIdentifiers } from "../routing/identifiers";
import type { FieldDefaults } from "./source-config";
import { readValue } from "./value-location";

type Headers = Readonly<Record<string, string>>;

/**
 * An event's type and delivery key, read where its source says. Without a type the event is
 * `generic`; without a delivery id its key is the body's hash, so an exact redelivery is still
 * recognised as one.
 */
export function sourceEventFields(
  fields: FieldDefaults,
  payload: unknown,
  headers: Headers,
  rawBody: Buffer,
): { eventType: string; deliveryKey: string } {
  return {
    eventType: readValue(fields.eventType, payload, headers) ?? "generic",
    deliveryKey: readValue(fields.deliveryKey, payload, headers) ?? contentDeliveryKey(rawBody),
  };
}

/** The routing identifiers found where a source says they are (one value per kind, first place first). */
export function sourceIdentifiers(
  fields: FieldDefaults,
  payload: unknown,
  headers: Headers,
): RoutingIdentifiers {
  const candidates: Partial<Record<IdentifierKind, unknown[]>> = {};
  for (const [kind, places] of Object.entries(fields.identifiers) as Array<
    [IdentifierKind, FieldDefaults["eventType"]]
  >) {
    candidates[kind] = [readValue(places, payload, headers)];
  }
  return collectIdentifiers(candidates);
}
