import type { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { FloodCap, type SuppressedCount } from "../../audit/flood-cap";
import type { RequestAudit, RequestRecord } from "../../audit/request-record";
import { EVENTS_TABLE } from "../../config/resources";
import { trimField } from "../../events/event-item";

type DocumentSdk = typeof import("@aws-sdk/lib-dynamodb");
type DocumentClient = import("@aws-sdk/lib-dynamodb").DynamoDBDocumentClient;

/**
 * The SDK modules of the audit trail. The ingest functions take them from the Lambda runtime
 * (infra/constructs/webhook-api.ts) and load them on the first request they audit: bundled, their
 * code would be read and parsed on every cold start, though most instances never write a record.
 * Hence no static import of either here: an ES module bundle would hoist it to its start.
 */
export const AUDIT_SDK_MODULES = ["@aws-sdk/client-dynamodb", "@aws-sdk/lib-dynamodb"];

export interface DynamoDbRequestAuditOptions {
  client: DynamoDBClient;
  /** The events table: request records sit beside event outcomes, listed by the same status index. */
  tableName: string;
  /** How long a request record is kept (shorter than an event's: it holds no event). */
  retentionDays: number;
  /** Records kept one by one per source, reason and minute; the rest are counted in a summary. */
  perMinute: number;
  /** Told about a write that failed (the handler logs it); never throws. */
  onError: (problem: string) => void;
  now?: () => number;
}

/** How often a group's count of held-back records is written at most. */
const SUMMARY_EVERY_MS = 10_000;

const { partitionKey: ID, statusIndex, ttlAttribute: TTL } = EVENTS_TABLE;

/**
 * The audit trail in the events table: one item per request ingest answered itself
 * (`request:<correlation id>`), and under floods one summary item per source, reason and minute
 * (`requests:<group>:<minute>`) whose `suppressed` count the containers add to. Writes are started
 * and not awaited, tried once (the client's own retries aside), so a refused request is answered
 * as fast as before.
 */
export class DynamoDbRequestAudit implements RequestAudit {
  private sdk: Promise<{ doc: DocumentClient; lib: DocumentSdk }> | undefined;
  private readonly cap: FloodCap;
  private readonly pending = new Set<Promise<void>>();
  private readonly now: () => number;

  constructor(private readonly options: DynamoDbRequestAuditOptions) {
    this.now = options.now ?? Date.now;
    this.cap = new FloodCap({ perMinute: options.perMinute, flushEveryMs: SUMMARY_EVERY_MS, now: this.now });
  }

  record(entry: RequestRecord): void {
    if (this.cap.decide(entry).kind === "write") this.track(this.put(entry));
    for (const count of this.cap.due()) this.track(this.addCount(count));
  }

  async flush(): Promise<void> {
    for (const count of this.cap.drain()) this.track(this.addCount(count));
    await Promise.all([...this.pending]);
  }

  private track(write: Promise<void>): void {
    const tracked = write.catch((error: unknown) =>
      this.options.onError(`could not write an audit record: ${(error as Error).message}`),
    );
    this.pending.add(tracked);
    void tracked.finally(() => this.pending.delete(tracked));
  }

  /** The document client, on the first write. */
  private document() {
    this.sdk ??= import("@aws-sdk/lib-dynamodb").then((lib) => ({
      lib,
      doc: lib.DynamoDBDocumentClient.from(this.options.client, {
        marshallOptions: { removeUndefinedValues: true },
      }),
    }));
    return this.sdk;
  }

  private expiry(): number {
    return Math.floor(this.now() / 1000) + this.options.retentionDays * 86_400;
  }

  private async put(entry: RequestRecord): Promise<void> {
    const item = Object.fromEntries(
      Object.entries(entry).map(([k, v]) => [k, typeof v === "string" ? trimField(v) : v]),
    );
    const { doc, lib } = await this.document();
    return doc
      .send(
        new lib.PutCommand({
          TableName: this.options.tableName,
          Item: {
            ...item,
            [ID]: `request:${trimField(entry.correlation_id, 200)}`,
            [statusIndex.partitionKey]: entry.status,
            [statusIndex.sortKey]: new Date(this.now()).toISOString(),
            [TTL]: this.expiry(),
          },
        }),
      )
      .then(() => undefined);
  }

  private async addCount({ group, window, count, sample }: SuppressedCount): Promise<void> {
    const { doc, lib } = await this.document();
    return doc
      .send(
        new lib.UpdateCommand({
          TableName: this.options.tableName,
          Key: { [ID]: trimField(`requests:${group}:${window}`, 900) },
          UpdateExpression:
            "ADD suppressed :n SET #status = :status, #listed = :status, #updated = :now, #ttl = :ttl, " +
            "reason = :reason, provider = :provider, window_start = :window, summary = :yes",
          ExpressionAttributeNames: {
            "#status": "status",
            "#listed": statusIndex.partitionKey,
            "#updated": statusIndex.sortKey,
            "#ttl": TTL,
          },
          ExpressionAttributeValues: {
            ":n": count,
            ":status": sample.status,
            ":now": new Date(this.now()).toISOString(),
            ":ttl": this.expiry(),
            ":reason": trimField(sample.reason),
            ":provider": sample.provider ?? "unknown",
            ":window": window,
            ":yes": true,
          },
        }),
      )
      .then(() => undefined);
  }
}
