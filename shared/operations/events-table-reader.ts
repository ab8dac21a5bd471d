import {
  type DynamoDBDocumentClient,
  GetCommand,
  QueryCommand,
  ScanCommand,
  type ScanCommandInput,
} from "@aws-sdk/lib-dynamodb";
import { EVENTS_TABLE } from "../config/resources";
import { EVENT_STATUSES, type EventStatus } from "../events/event-outcome";

/** One event as the `by-status` index lists it (keys and the index's projected attributes). */
export interface EventSummary {
  event_id: string;
  status: EventStatus;
  updated_at: string;
  provider?: string;
  event_type?: string;
  delivery_key?: string;
  received_at?: string;
  correlation_id?: string;
  org_id?: string;
  team_node_id?: string;
  matched_by?: string;
  attempts?: number;
  last_error?: string;
  agent_status?: number;
  duplicate_of?: string;
}

/**
 * Where each status's listing stands between pages: the index key of the last event returned from it
 * (absent: not started), or `null` once it has nothing more.
 */
export type ListCursor = Partial<Record<EventStatus, Record<string, unknown> | null>>;

export interface ListQuery {
  /** The statuses to list (one index query each), merged newest first. */
  statuses: readonly EventStatus[];
  provider?: string;
  /** Only events of this provider event type (e.g. `pull_request`). */
  event_type?: string;
  /** Only events with this provider's raw delivery id (the envelope's `delivery_key`). */
  delivery_key?: string;
  /** ISO timestamp: only events whose outcome was recorded at or after it. */
  since?: string;
  limit: number;
  cursor?: ListCursor;
}

export interface ListPage {
  events: EventSummary[];
  /** Where the next page starts; absent when this was the last page. */
  cursor?: ListCursor;
}

const { partitionKey, statusIndex } = EVENTS_TABLE;

const indexKeyOf = (item: Record<string, unknown>) => ({
  [partitionKey]: item[partitionKey],
  [statusIndex.partitionKey]: item[statusIndex.partitionKey],
  [statusIndex.sortKey]: item[statusIndex.sortKey],
});

const newestFirst = (a: EventSummary, b: EventSummary) =>
  a.updated_at === b.updated_at ? a.event_id.localeCompare(b.event_id) : a.updated_at < b.updated_at ? 1 : -1;

/** Reads the router's events table for operators: one event, a filtered listing, counts. */
export class EventsTableReader {
  constructor(
    private readonly doc: DynamoDBDocumentClient,
    readonly tableName: string,
  ) {}

  /** The whole item of one event (strongly consistent), or undefined. */
  async get(eventId: string): Promise<Record<string, unknown> | undefined> {
    const { Item } = await this.doc.send(
      new GetCommand({ TableName: this.tableName, Key: { [partitionKey]: eventId }, ConsistentRead: true }),
    );
    return Item;
  }

  /**
   * A page of events, newest first: one `by-status` query per status (from its cursor), merged by
   * time, cut to `limit`. The cursor of each status moves only past the events actually returned,
   * so nothing is skipped or repeated between pages (unless an event changes status meanwhile).
   */
  async list(query: ListQuery): Promise<ListPage> {
    const fetched = await Promise.all(
      query.statuses.map(async (status) => {
        const start = query.cursor?.[status];
        if (start === null) return { status, items: [], more: false };
        return { status, ...(await this.newest(status, query, start)) };
      }),
    );
    const events = fetched
      .flatMap((f) => f.items)
      .sort(newestFirst)
      .slice(0, query.limit);
    const taken = new Set(events);
    const cursor: ListCursor = {};
    let more = false;
    for (const { status, items, more: beyond } of fetched) {
      const used = items.filter((item) => taken.has(item));
      const last = used.at(-1);
      const exhausted = used.length === items.length && !beyond;
      if (exhausted) cursor[status] = null;
      else {
        more = true;
        const previous = query.cursor?.[status];
        if (last) cursor[status] = indexKeyOf(last as unknown as Record<string, unknown>);
        else if (previous) cursor[status] = previous;
      }
    }
    return more ? { events, cursor } : { events };
  }

  /**
   * Up to `limit` newest events of one status after `start`, and whether there are more: it reads one
   * beyond the limit, so a listing that ends exactly at a page boundary offers no empty next page.
   */
  private async newest(
    status: EventStatus,
    query: ListQuery,
    start: Record<string, unknown> | undefined,
  ): Promise<{ items: EventSummary[]; more: boolean }> {
    if (!isIndexed(status)) return this.scanNewest(status, query, start);
    const items: EventSummary[] = [];
    let exclusiveStartKey = start;
    const condition = statusCondition(status, query.since);
    const filter = equalityFilter(query, condition);
    do {
      const page = await this.doc.send(
        new QueryCommand({
          TableName: this.tableName,
          IndexName: statusIndex.name,
          ...condition,
          ...filter,
          ScanIndexForward: false,
          Limit: query.limit + 1 - items.length,
          ...(exclusiveStartKey ? { ExclusiveStartKey: exclusiveStartKey } : {}),
        }),
      );
      items.push(...((page.Items ?? []) as EventSummary[]));
      exclusiveStartKey = page.LastEvaluatedKey;
    } while (items.length <= query.limit && exclusiveStartKey);
    return { items: items.slice(0, query.limit), more: items.length > query.limit };
  }

  /**
   * The newest events of a status the index leaves out (`delivered`): a filtered scan of the whole
   * table, sorted here, so listing them costs a read of the table — they are rarely hunted for.
   */
  private async scanNewest(
    status: EventStatus,
    query: ListQuery,
    start: Record<string, unknown> | undefined,
  ): Promise<{ items: EventSummary[]; more: boolean }> {
    const condition = scanCondition(status, query.since);
    const filter = equalityFilter(query, condition);
    const items = (await this.scanAll({
      ...condition,
      ...filter,
      FilterExpression: [condition.FilterExpression, filter.FilterExpression].filter(Boolean).join(" AND "),
    })) as unknown as EventSummary[];
    items.sort(newestFirst);
    const after = start ? items.filter((e) => newestFirst(e, start as unknown as EventSummary) > 0) : items;
    return { items: after.slice(0, query.limit), more: after.length > query.limit };
  }

  private async scanAll(input: Omit<ScanCommandInput, "TableName">): Promise<Record<string, unknown>[]> {
    const items: Record<string, unknown>[] = [];
    let exclusiveStartKey: Record<string, unknown> | undefined;
    do {
      const page = await this.doc.send(
        new ScanCommand({
          TableName: this.tableName,
          ...input,
          ...(exclusiveStartKey ? { ExclusiveStartKey: exclusiveStartKey } : {}),
        }),
      );
      items.push(...(page.Items ?? []));
      exclusiveStartKey = page.LastEvaluatedKey;
    } while (exclusiveStartKey);
    return items;
  }

  /**
   * Every event whose outcome was recorded at or after `since`, as (status, provider) pairs: one
   * `by-status` query per indexed status reading only the provider attribute, and one filtered scan
   * for the statuses the index leaves out.
   */
  async statusesSince(since: string): Promise<Array<{ status: EventStatus; provider?: string }>> {
    const rows: Array<{ status: EventStatus; provider?: string }> = [];
    await Promise.all(
      EVENT_STATUSES.map(async (status) => {
        if (!isIndexed(status)) {
          const condition = scanCondition(status, since);
          const items = await this.scanAll({
            ...condition,
            ExpressionAttributeNames: { ...condition.ExpressionAttributeNames, "#provider": "provider" },
            ProjectionExpression: "#provider",
          });
          for (const item of items) rows.push(...rowsOf(status, item));
          return;
        }
        let exclusiveStartKey: Record<string, unknown> | undefined;
        do {
          const condition = statusCondition(status, since);
          const page = await this.doc.send(
            new QueryCommand({
              TableName: this.tableName,
              IndexName: statusIndex.name,
              KeyConditionExpression: condition.KeyConditionExpression,
              ExpressionAttributeNames: {
                ...condition.ExpressionAttributeNames,
                "#provider": "provider",
                "#suppressed": "suppressed",
              },
              ExpressionAttributeValues: condition.ExpressionAttributeValues,
              ProjectionExpression: "#provider, #suppressed",
              ...(exclusiveStartKey ? { ExclusiveStartKey: exclusiveStartKey } : {}),
            }),
          );
          for (const item of page.Items ?? []) rows.push(...rowsOf(status, item));
          exclusiveStartKey = page.LastEvaluatedKey;
        } while (exclusiveStartKey);
      }),
    );
    return rows;
  }
}

/**
 * The (status, provider) rows one item stands for: one, or for a flood summary the number of
 * requests it counted beyond those recorded one by one.
 */
function rowsOf(
  status: EventStatus,
  item: Record<string, unknown>,
): Array<{ status: EventStatus; provider?: string }> {
  const provider = typeof item.provider === "string" ? item.provider : undefined;
  const row = provider ? { status, provider } : { status };
  const times = typeof item.suppressed === "number" && item.suppressed > 0 ? item.suppressed : 1;
  return Array.from({ length: times }, () => row);
}

/** The status index is sparse: delivered events are not in it. */
const isIndexed = (status: EventStatus) => status !== "delivered";

/** A scan's filter: this status, and (optionally) updated at or after `since`. */
function scanCondition(status: EventStatus, since?: string) {
  return {
    FilterExpression: since ? "#status = :status AND #updated >= :since" : "#status = :status",
    ExpressionAttributeNames: {
      "#status": "status",
      ...(since ? { "#updated": statusIndex.sortKey } : {}),
    } as Record<string, string>,
    ExpressionAttributeValues: { ":status": status, ...(since ? { ":since": since } : {}) } as Record<
      string,
      unknown
    >,
  };
}

/** The index key condition: this status, and (optionally) updated at or after `since`. */
function statusCondition(status: EventStatus, since?: string) {
  return {
    KeyConditionExpression: since ? "#status = :status AND #updated >= :since" : "#status = :status",
    ExpressionAttributeNames: {
      "#status": statusIndex.partitionKey,
      ...(since ? { "#updated": statusIndex.sortKey } : {}),
    } as Record<string, string>,
    ExpressionAttributeValues: { ":status": status, ...(since ? { ":since": since } : {}) } as Record<
      string,
      unknown
    >,
  };
}

/** The attributes `list` can match exactly, applied as a FilterExpression so pages stay correct. */
const FILTERED_ATTRIBUTES = ["provider", "event_type", "delivery_key"] as const;

function equalityFilter(
  query: Pick<ListQuery, (typeof FILTERED_ATTRIBUTES)[number]>,
  condition: {
    ExpressionAttributeNames?: Record<string, string>;
    ExpressionAttributeValues?: Record<string, unknown>;
  },
) {
  const wanted = FILTERED_ATTRIBUTES.filter((name) => query[name] !== undefined);
  if (wanted.length === 0) return {};
  return {
    FilterExpression: wanted.map((name) => `#${name} = :${name}`).join(" AND "),
    ExpressionAttributeNames: {
      ...condition.ExpressionAttributeNames,
      ...Object.fromEntries(wanted.map((name) => [`#${name}`, name])),
    },
    ExpressionAttributeValues: {
      ...condition.ExpressionAttributeValues,
      ...Object.fromEntries(wanted.map((name) => [`:${name}`, query[name]])),
    },
  };
}
