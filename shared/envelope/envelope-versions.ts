/**
 * v4: the payload's JSON text exactly as the provider sent it, unescaped, as the value of
 * `payload`, followed by `v` and the metadata: one JSON document, with nothing to encode at ingest
 * or decode at the router, and no larger than the text. The few characters the queue refuses raw
 * (astral ones, U+FFFE, U+FFFF) are written as `\uXXXX` escapes whose positions the metadata lists
 * (`escaped_at`), so the router restores the text exactly. Read back with it as `payload_text`.
 */
export const RAW_PAYLOAD_ENVELOPE_VERSION = 4;
/**
 * v3: the payload's JSON text as a JSON string member (`payload_text`). No longer written (v4 says
 * the same without escaping the whole text); still read, so messages an older deployment queued
 * are delivered after an upgrade.
 */
export const ENVELOPE_VERSION = 3;
/**
 * v2: the payload was too large for one queue message and is in the payload bucket; `payload_ref`
 * points at the exact bytes sent. A router that knows only v1 refuses such a message as a whole
 * instead of delivering an event without its payload.
 */
export const PAYLOAD_REF_ENVELOPE_VERSION = 2;
/**
 * v1: the payload as a JSON value (`payload`). No longer written; still read, so messages an older
 * deployment queued are delivered after an upgrade.
 */
export const LEGACY_ENVELOPE_VERSION = 1;
