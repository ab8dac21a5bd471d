import { type Item, itemSize, writeUnits } from "./item-size";
import type { IndexFacts, TableFacts } from "./stack-facts";

/**
 * Capacity arithmetic for one write, given the item before and after it (undefined: absent): the
 * table's write units and each global secondary index's, following DynamoDB's rules for sparse
 * indexes (an item is in an index only when it carries the index's key attributes).
 */

const tableKeys = (table: TableFacts) => [table.partitionKey, ...(table.sortKey ? [table.sortKey] : [])];
const indexKeys = (index: IndexFacts) => [index.partitionKey, ...(index.sortKey ? [index.sortKey] : [])];

/** The index entry an item makes: keys plus projected attributes; undefined if it is not in the index. */
export function indexEntry(item: Item | undefined, index: IndexFacts, table: TableFacts): Item | undefined {
  if (!item || !indexKeys(index).every((key) => key in item)) return undefined;
  const names =
    index.projection === "ALL"
      ? Object.keys(item)
      : [...tableKeys(table), ...indexKeys(index), ...(index.projection === "INCLUDE" ? index.include : [])];
  return Object.fromEntries(names.filter((name) => name in item).map((name) => [name, item[name]!]));
}

const sameKeys = (a: Item, b: Item, index: IndexFacts) =>
  indexKeys(index).every((key) => JSON.stringify(a[key]) === JSON.stringify(b[key]));

/**
 * Index write units for a change from `before` to `after`: entering or leaving the index is one
 * write of the entry, a key change is a delete and a put, and a change no projected attribute sees
 * costs the index nothing.
 */
export function indexWriteUnits(
  before: Item | undefined,
  after: Item | undefined,
  index: IndexFacts,
  table: TableFacts,
): number {
  const old = indexEntry(before, index, table);
  const now = indexEntry(after, index, table);
  if (!old && !now) return 0;
  if (!old) return writeUnits(itemSize(now!));
  if (!now) return writeUnits(itemSize(old));
  if (!sameKeys(old, now, index)) return writeUnits(itemSize(old)) + writeUnits(itemSize(now));
  return JSON.stringify(old) === JSON.stringify(now) ? 0 : writeUnits(itemSize(now));
}

/** Table write units: the larger of the item before and after, per KB started (a delete: the item deleted). */
export function tableWriteUnits(before: Item | undefined, after: Item | undefined, transactional: boolean) {
  return writeUnits(Math.max(before ? itemSize(before) : 0, after ? itemSize(after) : 0), transactional);
}

/** The key attributes of an item, as a string to index images by. */
export const itemKey = (table: TableFacts, item: Item): string =>
  JSON.stringify(tableKeys(table).map((name) => item[name]));

/** The item's key attributes alone (a put's item as the key later writes name it by). */
export const keyAttributes = (table: TableFacts, item: Item): Item =>
  Object.fromEntries(tableKeys(table).map((name) => [name, item[name]!]));
