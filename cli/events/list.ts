import { Command } from "commander";
import { EVENT_STATUSES, type EventStatus } from "../../shared/events/event-outcome";
import type { EventSummary } from "../../shared/operations/events-table-reader";
import { PROVIDER_NAMES } from "../../shared/providers/provider";
import { EXIT, UsageError } from "../lib/errors";
import type { CliIO } from "../lib/io";
import { clip, Output, renderTable } from "../lib/output";
import { withPipeline } from "../lib/pipeline-target";
import { action, type CliContext } from "../lib/program";
import { addTargetOptions, type TargetOptions } from "../lib/target-options";
import { parseCount, parseSince } from "../lib/time";
import { eventsTableOf } from "./context";
import { decodeListToken, encodeListToken, type ListToken } from "./next-token";

const MAX_LIMIT = 1000;

function parseStatuses(value: string | undefined): EventStatus[] {
  if (value === undefined) return [...EVENT_STATUSES];
  const statuses = value
    .split(",")
    .map((s) => s.trim())
    .filter(Boolean);
  for (const status of statuses) {
    if (!(EVENT_STATUSES as readonly string[]).includes(status)) {
      throw new UsageError(
        `--status must be one of ${EVENT_STATUSES.join(", ")}, got ${JSON.stringify(status)}`,
      );
    }
  }
  if (statuses.length === 0) throw new UsageError("--status must name a status");
  return [...new Set(statuses)] as EventStatus[];
}

function parseProvider(value: string | undefined): string | undefined {
  if (value === undefined) return undefined;
  if (!(PROVIDER_NAMES as readonly string[]).includes(value)) {
    throw new UsageError(
      `--provider must be one of ${PROVIDER_NAMES.join(", ")}, got ${JSON.stringify(value)}`,
    );
  }
  return value;
}

/** A filter matched exactly: given, it must not be blank. */
function exactValue(value: string | undefined, flag: string): string | undefined {
  if (value === undefined) return undefined;
  if (value.trim() === "") throw new UsageError(`${flag} must not be empty`);
  return value.trim();
}

type ListOptions = TargetOptions & {
  status?: string;
  provider?: string;
  eventType?: string;
  deliveryKey?: string;
  since?: string;
  limit?: string;
  nextToken?: string;
  json?: boolean;
};

const team = (e: EventSummary) => (e.org_id && e.team_node_id ? `${e.org_id}/${e.team_node_id}` : "-");

/** The query of this page: from the flags, or carried by --next-token (which must not contradict them). */
function pageQuery(values: ListOptions): ListToken {
  const statuses = parseStatuses(values.status);
  const provider = parseProvider(values.provider);
  const event_type = exactValue(values.eventType, "--event-type");
  const delivery_key = exactValue(values.deliveryKey, "--delivery-key");
  if (values.nextToken === undefined) {
    const since = values.since !== undefined ? parseSince(values.since, new Date()).toISOString() : undefined;
    return {
      statuses,
      ...(provider ? { provider } : {}),
      ...(event_type ? { event_type } : {}),
      ...(delivery_key ? { delivery_key } : {}),
      ...(since ? { since } : {}),
      cursor: {},
    };
  }
  const token = decodeListToken(values.nextToken);
  const sameStatuses = values.status === undefined || statuses.join() === token.statuses.join();
  const sameProvider = values.provider === undefined || provider === token.provider;
  const sameEventType = event_type === undefined || event_type === token.event_type;
  const sameDeliveryKey = delivery_key === undefined || delivery_key === token.delivery_key;
  if (!sameStatuses || !sameProvider || !sameEventType || !sameDeliveryKey) {
    throw new UsageError(
      "--next-token continues the listing it came from: drop --status/--provider/--event-type/--delivery-key or give the same ones",
    );
  }
  return token;
}

export const list = (cli: CliContext) =>
  addTargetOptions(
    new Command("list")
      .summary(
        "list recorded events newest first, by status, provider, event type, delivery key and time (paginated)",
      )
      .description(
        "Lists outcome records from the events table, newest first (by when the outcome was recorded). With " +
          "--status it queries the table's by-status index for those statuses; without, one query per status, " +
          "merged by time. Delivered events are not in the index: listing them scans the table, except with " +
          "--delivery-key while the idempotency window remembers the id (one read per route instead).",
      )
      .option("--status <s[,s…]>", `${EVENT_STATUSES.join(" | ")} (default: all)`)
      .option("--provider <p>", PROVIDER_NAMES.join(" | "))
      .option("--event-type <t>", "only events of this provider event type (as listed in EVENT TYPE)")
      .option(
        "--delivery-key <k>",
        "only events with this provider delivery id (X-GitHub-Delivery, …; the raw id): a delivered one is found through the delivery guard's claim",
      )
      .option("--since <when>", "only outcomes recorded since: 30m, 1h, 24h, 7d, or an ISO timestamp")
      .option("--limit <n>", `events per page (default 20, at most ${MAX_LIMIT})`)
      .option(
        "--next-token <t>",
        "the next page: the token printed after the last one (it carries the first page's filters and time window)",
      )
      .option("--json", "print {events, next_token} as JSON"),
    ["eventsTable", "idempotencyTable"],
  )
    .addHelpText(
      "after",
      "\nExit codes: 0 listed (even if none matched), 1 DynamoDB failure, 2 invalid arguments.",
    )
    .action(action<ListOptions>(cli, (options, _args, io) => run(options, io)));

async function run(values: ListOptions, io: CliIO): Promise<number> {
  const limit = parseCount(values.limit, "--limit", 20, MAX_LIMIT);
  const query = pageQuery(values);
  const page = await withPipeline(values, io, (session) =>
    eventsTableOf(session, query.delivery_key !== undefined).list({ ...query, limit }),
  );
  const nextToken = page.cursor ? encodeListToken({ ...query, cursor: page.cursor }) : null;
  new Output(io, values.json ?? false).result({ events: page.events, next_token: nextToken }, () => {
    const filters = [
      query.statuses.length < EVENT_STATUSES.length ? `status ${query.statuses.join(", ")}` : "",
      query.provider ? `provider ${query.provider}` : "",
      query.event_type ? `event type ${query.event_type}` : "",
      query.delivery_key ? `delivery key ${query.delivery_key}` : "",
      query.since ? `since ${query.since}` : "",
    ].filter(Boolean);
    if (page.events.length === 0) {
      return `no events${filters.length ? ` (${filters.join("; ")})` : ""}`;
    }
    const table = renderTable(
      ["UPDATED", "STATUS", "PROVIDER", "EVENT TYPE", "TEAM", "TRIES", "AGENT", "EVENT ID", "ERROR"],
      page.events.map((e) => [
        e.updated_at,
        e.status,
        e.provider ?? "-",
        e.event_type ?? "-",
        team(e),
        e.attempts,
        e.agent_status,
        e.event_id,
        clip(e.last_error, 60),
      ]),
    );
    return nextToken ? `${table}\nmore events: run the same command with --next-token ${nextToken}` : table;
  });
  return EXIT.ok;
}
