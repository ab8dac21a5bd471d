import {
  type DynamoDBDocumentClient,
  GetCommand,
  QueryCommand,
  ScanCommand,
  type ScanCommandInput,
} from "@aws-sdk/lib-dynamodb";
import { EVENTS_TABLE, IDEMPOTENCY_TABLE } from "../config/resources";
import { namespacedDeliveryKey, storedDeliveryKey } from "../envelope/delivery-key";
import { trimField } from "../events/event-item";
import { type EventStatus, WEBHOOK_STATUSES, type WebhookStatus } from "../events/event-outcome";
import { WEBHOOK_ROUTES } from "../providers/registry";

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

/**
 * The most items a filtered query reads per request. A filter applies after the read, so a query
 * asking for a page's worth of items would take one round trip per few matches when they are rare:
 * each request reads four times as many as the last (up to this), so rare matches cost few round
 * trips and common ones are not read far past the page.
 */
const FILTERED_QUERY_PAGE = 1000;

/** Reads the router's events table for operators: one event, a filtered listing, counts. */
export class EventsTableReader {
  /**
   * `idempotencyTable` (the delivery guard's claims), when given, lets a listing by delivery key
   * find its delivered event through the claim instead of a scan of the table.
   */
  constructor(
    private readonly doc: DynamoDBDocumentClient,
    readonly tableName: string,
    private readonly idempotencyTable?: string,
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
    if (!isIndexed(status)) {
      const held =
        query.delivery_key !== undefined
          ? await this.claimHolders(query.delivery_key, query.provider)
          : undefined;
      const items =
        held?.filter((item) => matches(item, status, query)) ?? (await this.scanFor(status, query));
      return newestAfter(items, query.limit, start);
    }
    const items: EventSummary[] = [];
    let exclusiveStartKey = start;
    const condition = statusCondition(status, query.since);
    const filter = equalityFilter(query, condition);
    let read = query.limit + 1;
    do {
      const page = await this.doc.send(
        new QueryCommand({
          TableName: this.tableName,
          IndexName: statusIndex.name,
          ...condition,
          ...filter,
          ScanIndexForward: false,
          Limit: filter.FilterExpression ? read : query.limit + 1 - items.length,
          ...(exclusiveStartKey ? { ExclusiveStartKey: exclusiveStartKey } : {}),
        }),
      );
      items.push(...((page.Items ?? []) as EventSummary[]));
      exclusiveStartKey = page.LastEvaluatedKey;
      read = Math.min(read * 4, FILTERED_QUERY_PAGE);
    } while (items.length <= query.limit && exclusiveStartKey);
    return { items: items.slice(0, query.limit), more: items.length > query.limit };
  }

  /**
   * The events of a status the index leaves out (`delivered`) that match the query: a filtered scan
   * of the whole table, so listing them costs a read of the table — they are rarely hunted for.
   */
  private async scanFor(status: EventStatus, query: ListQuery): Promise<EventSummary[]> {
    const condition = scanCondition(status, query.since);
    const filter = equalityFilter(query, condition);
    return (await this.scanAll({
      ...condition,
      ...filter,
      FilterExpression: [condition.FilterExpression, filter.FilterExpression].filter(Boolean).join(" AND "),
    })) as unknown as EventSummary[];
  }

  /**
   * The events holding the delivery guard's claims on a provider's delivery id, one claim per route
   * it can arrive on (one read each): undefined when no route has one (the guard no longer
   * remembers the id, or never claimed it), or without the idempotency table. A claim names the
   * one event delivered under the id within the idempotency window.
   */
  private async claimHolders(deliveryKey: string, provider?: string): Promise<EventSummary[] | undefined> {
    const claims = this.idempotencyTable;
    if (!claims) return undefined;
    const holders = await Promise.all(
      // A route with a source in its path (generic) needs that source, which the id alone does not say.
      WEBHOOK_ROUTES.filter(
        (route) => !route.path.includes("{") && (provider === undefined || route.provider === provider),
      ).map(async (route) => {
        const { Item } = await this.doc.send(
          new GetCommand({
            TableName: claims,
            Key: {
              [IDEMPOTENCY_TABLE.partitionKey]: storedDeliveryKey(
                namespacedDeliveryKey({ route: route.path, delivery_key: deliveryKey }),
              ),
            },
            ProjectionExpression: "#holder",
            ExpressionAttributeNames: { "#holder": IDEMPOTENCY_TABLE.holderAttribute },
          }),
        );
        const holder = Item?.[IDEMPOTENCY_TABLE.holderAttribute];
        return typeof holder === "string" && holder !== "" ? holder : undefined;
      }),
    );
    const ids = [...new Set(holders.filter((id) => id !== undefined))];
    if (ids.length === 0) return undefined;
    const items = await Promise.all(ids.map((id) => this.get(id)));
    return items.filter((item) => item !== undefined) as unknown as EventSummary[];
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
  async statusesSince(since: string): Promise<Array<{ status: WebhookStatus; provider?: string }>> {
    const rows: Array<{ status: WebhookStatus; provider?: string }> = [];
    await Promise.all(
      WEBHOOK_STATUSES.map(async (status) => {
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
  status: WebhookStatus,
  item: Record<string, unknown>,
): Array<{ status: WebhookStatus; provider?: string }> {
  const provider = typeof item.provider === "string" ? item.provider : undefined;
  const row = provider ? { status, provider } : { status };
  const times = typeof item.suppressed === "number" && item.suppressed > 0 ? item.suppressed : 1;
  return Array.from({ length: times }, () => row);
}

/**
 * Up to `limit` of `items` newest first after `start` (an index key of the previous page), and
 * whether there are more.
 */
function newestAfter(
  items: EventSummary[],
  limit: number,
  start: Record<string, unknown> | undefined,
): { items: EventSummary[]; more: boolean } {
  const sorted = [...items].sort(newestFirst);
  const after = start ? sorted.filter((e) => newestFirst(e, start as unknown as EventSummary) > 0) : sorted;
  return { items: after.slice(0, limit), more: after.length > limit };
}

/** What the query's filters ask of an item read by key rather than through a filtered read. */
function matches(item: EventSummary, status: EventStatus, query: ListQuery): boolean {
  return (
    item.status === status &&
    FILTERED_ATTRIBUTES.every((name) => query[name] === undefined || item[name] === trimField(query[name])) &&
    (query.since === undefined || item.updated_at >= query.since)
  );
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

/**
 * The attributes `list` can match exactly, applied as a FilterExpression so pages stay correct.
 * They are matched as the record holds them: trimmed like every text field (a sender may send a
 * delivery id or event type of any length).
 */
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
      ...Object.fromEntries(wanted.map((name) => [`:${name}`, trimField(query[name]!)])),
    },
  };
}
