import { RECORDS_EXPIRE } from "../../shared/events/event-item";
import { EVENT_STATUSES, type EventStatus } from "../../shared/events/event-outcome";
import type { EventSummary } from "../../shared/operations/events-table-reader";
import { ReplayRefusedError, replayEvent } from "../../shared/operations/replay-event";
import { PROVIDER_NAMES } from "../../shared/providers/provider";
import type { SampleWebhook } from "../samples/sample-webhooks";
import type { ConsoleDeps } from "./console-deps";
import { eventDetail } from "./event-detail";
import { checkLocalOrigin } from "./local-origin";

export interface ConsoleRequest {
  method: string;
  /** The path after `/_console/api` (`/events/abc`). */
  path: string;
  query: URLSearchParams;
  headers: Readonly<Record<string, string | undefined>>;
  body: string;
}

export interface ConsoleResponse {
  status: number;
  body: unknown;
}

/** Every status the list can show: the events table's, and `accepted` (queued, no outcome recorded yet). */
export const LIST_STATUSES = ["accepted", ...EVENT_STATUSES] as const;
export type ListStatus = (typeof LIST_STATUSES)[number];

/** One line of the console's list. */
export interface ConsoleRow {
  event_id: string;
  status: ListStatus;
  /** When the outcome was recorded, or the request received (accepted). */
  at: string;
  provider?: string;
  event_type?: string;
  team?: string;
  matched_by?: string;
  agent_status?: number;
  attempts?: number;
  /** Why it was refused, ignored or failed. */
  reason?: string;
}

const DEFAULT_LIMIT = 100;
const MAX_LIMIT = 500;
/** Unanswered requests checked against the table per listing: each is one read. */
const PENDING_CHECKS = 25;
/** Event ids are uuids, `sqs-message:<id>` or `request:<correlation id>`: printable, and a key DynamoDB takes. */
const EVENT_ID = /^[\x21-\x7e]{1,1100}$/;

class BadRequest extends Error {
  constructor(
    message: string,
    readonly status = 400,
  ) {
    super(message);
  }
}

const json = (status: number, body: unknown): ConsoleResponse => ({ status, body });

function listParams(query: URLSearchParams) {
  const raw = query.get("status");
  const statuses = raw ? raw.split(",").filter(Boolean) : [...LIST_STATUSES];
  const unknown = statuses.filter((s) => !(LIST_STATUSES as readonly string[]).includes(s));
  if (unknown.length > 0) {
    throw new BadRequest(`unknown status '${unknown.join(", ")}': use any of ${LIST_STATUSES.join(", ")}`);
  }
  const provider = query.get("provider") || undefined;
  if (provider && !(PROVIDER_NAMES as readonly string[]).includes(provider)) {
    throw new BadRequest(`unknown provider '${provider}': use one of ${PROVIDER_NAMES.join(", ")}`);
  }
  const limitText = query.get("limit");
  const limit = limitText === null ? DEFAULT_LIMIT : Number(limitText);
  if (!Number.isInteger(limit) || limit < 1 || limit > MAX_LIMIT) {
    throw new BadRequest(`limit must be a whole number from 1 to ${MAX_LIMIT}, got '${limitText}'`);
  }
  return { statuses: statuses as ListStatus[], provider, limit };
}

function rowOf(e: EventSummary & { reason?: unknown; suppressed?: unknown }): ConsoleRow {
  const own = typeof e.reason === "string" ? e.reason : e.last_error;
  // A flood's summary item counts the requests not recorded one by one.
  const reason =
    typeof e.suppressed === "number" && own ? `${own} (${e.suppressed} more not recorded one by one)` : own;
  return {
    event_id: e.event_id,
    status: e.status,
    at: e.updated_at,
    ...(e.provider ? { provider: e.provider } : {}),
    ...(e.event_type ? { event_type: e.event_type } : {}),
    ...(e.org_id && e.team_node_id ? { team: `${e.org_id}/${e.team_node_id}` } : {}),
    ...(e.matched_by ? { matched_by: e.matched_by } : {}),
    ...(typeof e.agent_status === "number" ? { agent_status: e.agent_status } : {}),
    ...(typeof e.attempts === "number" ? { attempts: e.attempts } : {}),
    ...(reason ? { reason } : {}),
  };
}

function validEventId(id: string): string {
  let decoded: string;
  try {
    decoded = decodeURIComponent(id);
  } catch {
    throw new BadRequest("the event id is not valid percent-encoding");
  }
  if (!EVENT_ID.test(decoded)) {
    throw new BadRequest("an event id is 1 to 1,100 printable characters without spaces (see the list)");
  }
  return decoded;
}

function parseBody(body: string): Record<string, unknown> {
  if (body.trim() === "") return {};
  try {
    const value = JSON.parse(body) as unknown;
    if (value && typeof value === "object" && !Array.isArray(value)) return value as Record<string, unknown>;
  } catch {
    // Answered below.
  }
  throw new BadRequest('the request body must be a JSON object, e.g. {"force": true}');
}

/**
 * The console's JSON API: the events table and audit trail through the CLI's readers, replay through
 * the CLI's use case, the routing table, and the signed samples `npm run send` posts. Pure request in,
 * response out, so it is tested without a server.
 */
export class ConsoleApi {
  /** Accepted events whose outcome has been seen: never read again. */
  private readonly recorded = new Set<string>();

  constructor(private readonly deps: ConsoleDeps) {}

  async handle(request: ConsoleRequest): Promise<ConsoleResponse> {
    const origin = checkLocalOrigin(request.method, request.headers);
    if (!origin.ok) return json(origin.status, { error: origin.error });
    try {
      return await this.route(request);
    } catch (error) {
      if (error instanceof BadRequest) return json(error.status, { error: error.message });
      return json(502, {
        error: `the local pipeline's emulators failed: ${(error as Error).message}. Is npm start still running?`,
      });
    }
  }

  private async route({ method, path, query, body }: ConsoleRequest): Promise<ConsoleResponse> {
    const parts = path.split("/").filter(Boolean);
    const [group, id, action] = parts;
    if (method === "GET" && path === "/events") return json(200, await this.list(query));
    if (group === "events" && id !== undefined && parts.length === 2 && method === "GET") {
      const eventId = validEventId(id);
      const detail = await eventDetail(this.deps, eventId);
      if (!detail) throw new BadRequest(this.notFound(eventId), 404);
      return json(200, detail);
    }
    if (group === "events" && id !== undefined && action === "replay" && parts.length === 3) {
      if (method !== "POST") throw new BadRequest("replay is a POST", 405);
      return this.replay(validEventId(id), parseBody(body));
    }
    if (method === "GET" && path === "/samples") {
      return json(
        200,
        this.deps.samples().map((s) => ({ name: s.name, provider: s.provider, path: s.path })),
      );
    }
    if (group === "samples" && id !== undefined && parts.length === 2) {
      if (method !== "POST") throw new BadRequest("sending a sample is a POST", 405);
      return this.send(decodeURIComponent(id));
    }
    if (method === "GET" && path === "/routes") return json(200, await this.deps.routing.listTeams());
    if (method === "GET" && path === "/meta") {
      return json(200, { statuses: LIST_STATUSES, providers: PROVIDER_NAMES });
    }
    throw new BadRequest(`no console API at ${method} /_console/api${path}`, 404);
  }

  private notFound(id: string): string {
    return `no event ${id} in the events table '${this.deps.events.tableName}' (${RECORDS_EXPIRE})`;
  }

  private async list(query: URLSearchParams): Promise<{ events: ConsoleRow[] }> {
    const { statuses, provider, limit } = listParams(query);
    const tableStatuses = statuses.filter((s): s is EventStatus => s !== "accepted");
    const page =
      tableStatuses.length > 0
        ? await this.deps.events.list({ statuses: tableStatuses, limit, ...(provider ? { provider } : {}) })
        : { events: [] };
    const rows = page.events.map(rowOf);
    for (const row of rows) this.recorded.add(row.event_id);
    if (statuses.includes("accepted")) rows.push(...(await this.pending(provider)));
    rows.sort((a, b) => (a.at < b.at ? 1 : a.at > b.at ? -1 : 0));
    return { events: rows.slice(0, limit) };
  }

  /** Events ingest queued that have no outcome yet: the newest few are looked up, once recorded never again. */
  private async pending(provider: string | undefined): Promise<ConsoleRow[]> {
    const candidates = this.deps.requests
      .recent()
      .filter((r) => provider === undefined || r.provider === provider)
      .flatMap((r) => r.event_ids.filter((id) => !this.recorded.has(id)).map((id) => ({ id, request: r })))
      .slice(0, PENDING_CHECKS);
    const rows: ConsoleRow[] = [];
    for (const { id, request } of candidates) {
      if (await this.deps.events.get(id)) {
        this.recorded.add(id);
        continue;
      }
      rows.push({
        event_id: id,
        status: "accepted",
        at: request.received_at,
        ...(request.provider ? { provider: request.provider } : {}),
      });
    }
    return rows;
  }

  private async replay(eventId: string, body: Record<string, unknown>): Promise<ConsoleResponse> {
    try {
      return json(200, await replayEvent(this.deps.replay, eventId, { force: body.force === true }));
    } catch (error) {
      if (!(error instanceof ReplayRefusedError)) throw error;
      return json(error.reason === "not_found" ? 404 : 409, {
        // The use case speaks to the CLI; the page's own switch is its "force" box.
        error: error.message.replace(
          /\b([Pp])ass --force\b/,
          (_, p: string) => `${p === "P" ? "T" : "t"}ick 'force'`,
        ),
        reason: error.reason,
      });
    }
  }

  private async send(name: string): Promise<ConsoleResponse> {
    const samples = this.deps.samples();
    const sample: SampleWebhook | undefined = samples.find((s) => s.name === name);
    if (!sample) {
      throw new BadRequest(`no sample '${name}': use one of ${samples.map((s) => s.name).join(", ")}`, 404);
    }
    return json(200, { sample: sample.name, path: sample.path, ...(await this.deps.post(sample)) });
  }
}
