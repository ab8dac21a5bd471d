import { indexEntry, itemKey } from "./dynamodb-units";
import { type Item, itemSize, STORAGE_OVERHEAD_BYTES } from "./item-size";
import type { LocalStores } from "./local-stores";

/**
 * What a case left in storage, read once it has settled: every item and object that was not there
 * before it ran, with how long it will stay. DynamoDB items stay until their TTL attribute's time;
 * an item without one is priced for one month (it stays for good: its cost grows every month).
 * S3 objects stay until the bucket's lifecycle expiration.
 */

const MONTH_SECONDS = 30 * 86_400;

/** Byte-months: bytes kept for a month (what a GB-month price multiplies), summed over items. */
export interface StoredBytes {
  /** Table items per template table (with DynamoDB's 100 B per item). */
  tableByteMonths: Record<string, number>;
  /** Index entries per `table/index`. */
  indexByteMonths: Record<string, number>;
  tableItems: Record<string, number>;
  /** Mean size of a new item per table, without the overhead (what a write is charged on). */
  meanItemBytes: Record<string, number>;
  s3Objects: number;
  s3ByteMonths: number;
}

/** No item and no object: what a look finds when nothing is new. */
export const nothingStored = (): StoredBytes => ({
  tableByteMonths: {},
  indexByteMonths: {},
  tableItems: {},
  meanItemBytes: {},
  s3Objects: 0,
  s3ByteMonths: 0,
});

function monthsKept(item: Item, ttlAttribute: string | undefined, nowSeconds: number): number {
  const expires = ttlAttribute ? Number((item[ttlAttribute] as { N?: string } | undefined)?.N) : Number.NaN;
  return Number.isFinite(expires) ? Math.max(0, expires - nowSeconds) / MONTH_SECONDS : 1;
}

/** Remembers what it has seen, so each call reports only what is new since the last one. */
export class StorageWatch {
  private readonly seenItems = new Set<string>();
  private readonly seenObjects = new Set<string>();

  constructor(
    private readonly stores: LocalStores,
    private readonly payloadExpirationDays: number | undefined,
  ) {}

  async newSinceLastLook(): Promise<StoredBytes> {
    const now = Date.now() / 1000;
    const out = nothingStored();
    for (const [name, table] of this.stores.tables) {
      let bytes = 0;
      let items = 0;
      for (const item of await this.stores.scan(name)) {
        const key = `${name}|${itemKey(table, item)}`;
        if (this.seenItems.has(key)) continue;
        this.seenItems.add(key);
        const months = monthsKept(item, table.ttlAttribute, now);
        const size = itemSize(item);
        bytes += size;
        items += 1;
        const id = table.logicalId;
        out.tableByteMonths[id] = (out.tableByteMonths[id] ?? 0) + (size + STORAGE_OVERHEAD_BYTES) * months;
        for (const index of table.indexes) {
          const entry = indexEntry(item, index, table);
          if (!entry) continue;
          const indexId = `${id}/${index.name}`;
          out.indexByteMonths[indexId] =
            (out.indexByteMonths[indexId] ?? 0) + (itemSize(entry) + STORAGE_OVERHEAD_BYTES) * months;
        }
      }
      if (items > 0) {
        out.tableItems[table.logicalId] = items;
        out.meanItemBytes[table.logicalId] = bytes / items;
      }
    }
    for (const [object, size] of await this.stores.objects()) {
      if (this.seenObjects.has(object)) continue;
      this.seenObjects.add(object);
      out.s3Objects += 1;
      out.s3ByteMonths += (size * (this.payloadExpirationDays ?? 30)) / 30;
    }
    return out;
  }
}
