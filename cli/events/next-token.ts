import { z } from "zod";
import { EVENT_STATUSES } from "../../shared/events/event-outcome";
import type { ListCursor } from "../../shared/operations/events-table-reader";
import { UsageError } from "../lib/errors";

/** What `events list` needs to continue where a page ended: the query and each status's cursor. */
export interface ListToken {
  statuses: (typeof EVENT_STATUSES)[number][];
  provider?: string;
  event_type?: string;
  delivery_key?: string;
  since?: string;
  cursor: ListCursor;
}

const tokenSchema = z.object({
  v: z.literal(1),
  statuses: z.array(z.enum(EVENT_STATUSES)).min(1),
  provider: z.string().optional(),
  event_type: z.string().optional(),
  delivery_key: z.string().optional(),
  since: z.string().optional(),
  cursor: z.partialRecord(z.enum(EVENT_STATUSES), z.record(z.string(), z.unknown()).nullable()),
});

/** An opaque, URL-safe token (base64url JSON) for `--next-token`. */
export function encodeListToken(token: ListToken): string {
  return Buffer.from(JSON.stringify({ v: 1, ...token }), "utf8").toString("base64url");
}

export function decodeListToken(value: string): ListToken {
  try {
    const { v: _v, ...token } = tokenSchema.parse(
      JSON.parse(Buffer.from(value, "base64url").toString("utf8")),
    );
    return token as ListToken;
  } catch {
    throw new UsageError(
      "--next-token is not a token printed by `events list`: copy it whole from the last page",
    );
  }
}
