import { Command } from "commander";
import {
  type Envelope,
  inlinePayloadText,
  PAYLOAD_REF_ENVELOPE_VERSION,
  parseEnvelope,
} from "../../shared/envelope/envelope";
import { RECORDS_EXPIRE, storedBody } from "../../shared/events/event-item";
import type { PayloadRef } from "../../shared/payloads/payload-ref";
import { CliError, EXIT } from "../lib/errors";
import type { CliIO } from "../lib/io";
import { Output, renderFields } from "../lib/output";
import { withPipeline } from "../lib/pipeline-target";
import { action, type CliContext } from "../lib/program";
import { addTargetOptions, type TargetOptions } from "../lib/target-options";
import { eventsTableOf } from "./context";

/** The payload's size in bytes: of its text, or as stored apart (v2 keeps `payload_ref` in the summary). */
function payloadBytes(envelope: Envelope): number {
  if (envelope.v === PAYLOAD_REF_ENVELOPE_VERSION) return envelope.payload_ref.bytes;
  return Buffer.byteLength(inlinePayloadText(envelope), "utf8");
}

/** The envelope's fields without its payload, and the payload's size. */
function envelopeSummary(body: string | undefined) {
  if (body === undefined) return null;
  const parsed = parseEnvelope(body);
  if (!parsed.ok) return { valid: false, problem: parsed.problem };
  const {
    payload_text: _text,
    payload: _legacy,
    ...meta
  } = parsed.envelope as Envelope & {
    payload_text?: string;
    payload?: unknown;
  };
  return { valid: true, ...meta, payload_bytes: payloadBytes(parsed.envelope) };
}

/** The human line for the payload: its size, and where it is when stored apart. */
function payloadLine(bytes: number, ref: PayloadRef | undefined): string {
  return ref
    ? `${bytes} bytes of JSON, stored apart at s3://${ref.bucket}/${ref.key}`
    : `${bytes} bytes of JSON as the provider sent it (--json shows the whole body)`;
}

/** The record as JSON can show it: the stored body as text (gunzipped), not as bytes. */
function recordForJson(item: Record<string, unknown>, body: string | undefined) {
  const { body: _body, body_gzip, ...rest } = item;
  return { ...rest, body: body ?? null, ...(body_gzip !== undefined ? { body_compressed: true } : {}) };
}

const expiresText = (value: unknown) =>
  typeof value === "number" ? new Date(value * 1000).toISOString() : undefined;

function bodyText(item: Record<string, unknown>, body: string | undefined): string {
  if (body === undefined) {
    return `not stored (${item.body_bytes ?? "?"} bytes, too large for the events table): cannot be replayed`;
  }
  return `stored, ${Buffer.byteLength(body, "utf8")} bytes${item.body_gzip !== undefined ? " (gzip in the table)" : ""}`;
}

export const show = (cli: CliContext) =>
  addTargetOptions(
    new Command("show")
      .summary("show one event's whole outcome record and its envelope")
      .description(
        "Prints the event's record from the events table (status, team, attempts, agent answer, last error, " +
          "…) and, when its message body was stored, the envelope it carried (without the payload; --json " +
          "prints the whole record, body included).",
      )
      .argument("<event-id>", "the event's id (the EVENT ID column of events list)")
      .option("--json", "print {record, envelope} as JSON"),
    ["eventsTable"],
  )
    .addHelpText("after", "\nExit codes: 0 shown, 1 no such event or DynamoDB failure, 2 invalid arguments.")
    .action(
      action<TargetOptions & { json?: boolean }>(cli, (options, [eventId], io) => run(options, eventId!, io)),
    );

async function run(values: TargetOptions & { json?: boolean }, eventId: string, io: CliIO): Promise<number> {
  const { item, tableName } = await withPipeline(values, io, async (session) => {
    const table = eventsTableOf(session);
    return { item: await table.get(eventId), tableName: table.tableName };
  });
  if (!item) {
    throw new CliError(
      `no event ${eventId} in the events table '${tableName}' (see \`events list\`; ${RECORDS_EXPIRE})`,
    );
  }
  const body = storedBody(item);
  const envelope = envelopeSummary(body);
  new Output(io, values.json ?? false).result({ record: recordForJson(item, body), envelope }, () => {
    const team =
      item.org_id && item.team_node_id
        ? `${item.org_id}/${item.team_node_id}${item.matched_by ? ` (matched by ${item.matched_by})` : ""}`
        : undefined;
    const identifiers =
      item.identifiers && typeof item.identifiers === "object"
        ? Object.entries(item.identifiers as Record<string, unknown>)
            .map(([k, v]) => `${k}=${v}`)
            .join(", ")
        : undefined;
    const record = renderFields([
      ["event", String(item.event_id)],
      ["status", `${item.status} (recorded ${item.updated_at})`],
      ["provider", item.provider as string | undefined],
      ["event type", [item.event_type, item.action].filter(Boolean).join(" / ") || undefined],
      ["delivery key", item.delivery_key as string | undefined],
      ["received at", item.received_at as string | undefined],
      ["correlation id", item.correlation_id as string | undefined],
      ["route", item.route as string | undefined],
      ["identifiers", identifiers],
      ["team", team],
      ["attempts", item.attempts as number | undefined],
      ["agent status", item.agent_status as number | undefined],
      ["last error", item.last_error as string | undefined],
      ["duplicate of", item.duplicate_of as string | undefined],
      ["sqs message", item.message_id as string | undefined],
      ["expires", expiresText(item.expires_at)],
      ["body", bodyText(item, body)],
    ]);
    if (!envelope) return record;
    if (!envelope.valid)
      return `${record}\nenvelope: none, the body is not a valid envelope: ${envelope.problem}`;
    const headers = Object.entries((envelope as { headers?: Record<string, string> }).headers ?? {})
      .map(([k, v]) => `${k}: ${v}`)
      .join(", ");
    const e = envelope as Record<string, unknown>;
    return `${record}\nenvelope:\n${renderFields([
      ["  version", `v${e.v}`],
      ["  id", e.id as string],
      ["  provider", e.provider as string],
      ["  route", e.route as string],
      ["  source", e.source as string | undefined],
      ["  event type", [e.event_type, e.action].filter(Boolean).join(" / ")],
      ["  delivery key", e.delivery_key as string],
      ["  received at", e.received_at as string],
      ["  correlation id", e.correlation_id as string],
      ["  retry", e.retry ? JSON.stringify(e.retry) : undefined],
      ["  headers", headers || undefined],
      ["  payload", payloadLine(e.payload_bytes as number, e.payload_ref as PayloadRef | undefined)],
    ])}`;
  });
  return EXIT.ok;
}
