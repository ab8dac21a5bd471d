import { EVENT_STATUSES, type EventStatus } from "../../shared/events/event-outcome";
import type { EventSummary } from "../../shared/operations/events-table-reader";
import { PROVIDER_NAMES } from "../../shared/providers/provider";
import { COMMON_OPTIONS, positionals } from "../lib/args";
import type { Command } from "../lib/command";
import { EXIT, UsageError } from "../lib/errors";
import { clip, Output, renderTable } from "../lib/output";
import {
  parsePipelineArgs,
  pipelineOptions,
  pipelineOptionsHelp,
  withPipeline,
} from "../lib/pipeline-target";
import { parseCount, parseSince } from "../lib/time";
import { eventsTableOf } from "./context";
import { decodeListToken, encodeListToken, type ListToken } from "./next-token";

const usage =
  "webhook-pipeline events list [--status S[,S…]] [--provider P] [--event-type T] [--delivery-key K] [--since 1h] [--limit N] [--next-token T] [--json] " +
  "[--local | --stack [NAME] | --events-table NAME]";

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
        usage,
      );
    }
  }
  if (statuses.length === 0) throw new UsageError("--status must name a status", usage);
  return [...new Set(statuses)] as EventStatus[];
}

function parseProvider(value: string | undefined): string | undefined {
  if (value === undefined) return undefined;
  if (!(PROVIDER_NAMES as readonly string[]).includes(value)) {
    throw new UsageError(
      `--provider must be one of ${PROVIDER_NAMES.join(", ")}, got ${JSON.stringify(value)}`,
      usage,
    );
  }
  return value;
}

/** A filter matched exactly: given, it must not be blank. */
function exactValue(value: string | undefined, flag: string): string | undefined {
  if (value === undefined) return undefined;
  if (value.trim() === "") throw new UsageError(`${flag} must not be empty`, usage);
  return value.trim();
}

const team = (e: EventSummary) => (e.org_id && e.team_node_id ? `${e.org_id}/${e.team_node_id}` : "-");

/** The query of this page: from the flags, or carried by --next-token (which must not contradict them). */
function pageQuery(values: {
  status?: string | undefined;
  provider?: string | undefined;
  "event-type"?: string | undefined;
  "delivery-key"?: string | undefined;
  since?: string | undefined;
  "next-token"?: string | undefined;
}): ListToken {
  const statuses = parseStatuses(values.status);
  const provider = parseProvider(values.provider);
  const event_type = exactValue(values["event-type"], "--event-type");
  const delivery_key = exactValue(values["delivery-key"], "--delivery-key");
  if (values["next-token"] === undefined) {
    const since =
      values.since !== undefined ? parseSince(values.since, new Date(), usage).toISOString() : undefined;
    return {
      statuses,
      ...(provider ? { provider } : {}),
      ...(event_type ? { event_type } : {}),
      ...(delivery_key ? { delivery_key } : {}),
      ...(since ? { since } : {}),
      cursor: {},
    };
  }
  const token = decodeListToken(values["next-token"], usage);
  const sameStatuses = values.status === undefined || statuses.join() === token.statuses.join();
  const sameProvider = values.provider === undefined || provider === token.provider;
  const sameEventType = event_type === undefined || event_type === token.event_type;
  const sameDeliveryKey = delivery_key === undefined || delivery_key === token.delivery_key;
  if (!sameStatuses || !sameProvider || !sameEventType || !sameDeliveryKey) {
    throw new UsageError(
      "--next-token continues the listing it came from: drop --status/--provider/--event-type/--delivery-key or give the same ones",
      usage,
    );
  }
  return token;
}

export const list: Command = {
  name: "list",
  summary: "list recorded events newest first, by status, provider and time (paginated)",
  usage,
  help: `usage: ${usage}

Lists outcome records from the events table, newest first (by when the outcome was recorded). With
--status it queries the table's by-status index for those statuses; without, one query per status,
merged by time.

Filters:
  --status S[,S…]   ${EVENT_STATUSES.join(" | ")} (default: all)
  --provider P      ${PROVIDER_NAMES.join(" | ")}
  --event-type T    only events of this provider event type (as listed in EVENT TYPE)
  --delivery-key K  only events with this provider delivery id (X-GitHub-Delivery, …; the raw id)
  --since WHEN      only outcomes recorded since: 30m, 1h, 24h, 7d, or an ISO timestamp
  --limit N         events per page (default 20, at most ${MAX_LIMIT})
  --next-token T    the next page: the token printed after the last one (it carries the filters
                    and time window of the first page)

${pipelineOptionsHelp(["eventsTable"])}
  --json            print {events, next_token} as JSON

Exit codes: 0 listed (even if none matched), 1 DynamoDB failure, 2 invalid arguments.`,
  async run(argv, io) {
    const { values, positionals: args } = parsePipelineArgs(
      argv,
      {
        ...COMMON_OPTIONS,
        ...pipelineOptions("eventsTable"),
        status: { type: "string" },
        provider: { type: "string" },
        "event-type": { type: "string" },
        "delivery-key": { type: "string" },
        since: { type: "string" },
        limit: { type: "string" },
        "next-token": { type: "string" },
      },
      usage,
    );
    positionals(args, [], usage);
    const limit = parseCount(values.limit, "--limit", 20, MAX_LIMIT, usage);
    const query = pageQuery(values);
    const page = await withPipeline(values, io, usage, (session) =>
      eventsTableOf(session).list({ ...query, limit }),
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
  },
};
