import { indexWriteUnits, itemKey, keyAttributes, tableWriteUnits } from "./dynamodb-units";
import { type Item, itemSize, readUnits } from "./item-size";
import type { ObservedExchange } from "./meter-proxy";
import type { TableFacts } from "./stack-facts";
import type { Tally } from "./tally";

/** Reads an item straight from the emulator (not through the proxy): the image after an update. */
export type ItemReader = (tableName: string, key: Item) => Promise<Item | undefined>;

// biome-ignore lint/suspicious/noExplicitAny: DynamoDB wire JSON, read field by field below
type Wire = Record<string, any>;

/** The item after a write: given (undefined: deleted), to be read back, or the one before (a condition check). */
type After = { kind: "item"; item: Item | undefined } | { kind: "read" } | { kind: "unchanged" };

interface Write {
  tableName: string;
  key: Item;
  after: After;
}

const given = (value: Item | undefined): After => ({ kind: "item", item: value });

/**
 * Counts what each DynamoDB request the handlers make costs, from the request and response bodies:
 * `ddb:<Operation>` calls, `ddb.wru:<table>` and `ddb.wru:<table>/<index>` write units,
 * `ddb.rru:<table>` read units (tables by their template logical id). It keeps the last image of
 * every item it has seen, so a write is charged the larger of the item before and after, and an
 * index only when the item enters, leaves or changes in it. Updates that do not return the new
 * item are read back from the emulator after the handler has its answer, so the meter adds no
 * latency to the handler it measures.
 */
export class DynamoDbMeter {
  private readonly images = new Map<string, Item>();
  private readonly pending = new Set<Promise<void>>();

  constructor(
    private readonly tally: Tally,
    private readonly tables: ReadonlyMap<string, TableFacts>,
    private readonly readItem: ItemReader,
  ) {}

  /** Resolves once every read-back has been charged. */
  async settled(): Promise<void> {
    while (this.pending.size > 0) await Promise.all(this.pending);
  }

  observe(exchange: ObservedExchange): void {
    const target = String(exchange.headers["x-amz-target"] ?? "");
    const operation = target.replace(/^DynamoDB_\d+\./, "");
    const ok = exchange.status < 300;
    const request = JSON.parse(exchange.requestBody.toString("utf8") || "{}") as Wire;
    const response = (ok ? JSON.parse(exchange.responseBody.toString("utf8") || "{}") : {}) as Wire;
    this.tally.add(`ddb:${operation}`);
    if (!ok) this.tally.add(`ddb.failed:${operation}`);

    switch (operation) {
      case "PutItem":
      case "UpdateItem":
      case "DeleteItem":
        this.charge([this.write(operation, request, response)], false, ok);
        return;
      case "BatchWriteItem":
        this.charge(
          Object.entries(request.RequestItems ?? {}).flatMap(([tableName, requests]) =>
            (requests as Wire[]).map((r) =>
              r.PutRequest
                ? {
                    tableName,
                    key: this.keyOf(tableName, r.PutRequest.Item),
                    after: given(r.PutRequest.Item),
                  }
                : { tableName, key: r.DeleteRequest.Key, after: given(undefined) },
            ),
          ),
          false,
          ok,
        );
        return;
      case "TransactWriteItems":
        this.charge(
          (request.TransactItems as Wire[]).map((t) => {
            const [kind, body] = Object.entries(t)[0] as [string, Wire];
            if (kind === "ConditionCheck") {
              return { tableName: body.TableName, key: body.Key, after: { kind: "unchanged" } };
            }
            return this.write(`${kind}Item`, body, {});
          }),
          true,
          ok,
        );
        return;
      case "GetItem":
        this.read(request.TableName, [response.Item], request.ConsistentRead ? "strong" : "eventual");
        return;
      case "BatchGetItem":
        for (const [tableName, spec] of Object.entries(request.RequestItems ?? {}) as [string, Wire][]) {
          const found = (response.Responses?.[tableName] ?? []) as Item[];
          const missing =
            spec.Keys.length - found.length - (response.UnprocessedKeys?.[tableName]?.Keys?.length ?? 0);
          this.read(
            tableName,
            [...found, ...Array(Math.max(0, missing)).fill(undefined)],
            spec.ConsistentRead ? "strong" : "eventual",
          );
        }
        return;
      case "TransactGetItems":
        for (const [i, t] of (request.TransactItems as Wire[]).entries()) {
          this.read(t.Get.TableName, [response.Responses?.[i]?.Item], "transactional");
        }
        return;
      case "Query":
      case "Scan": {
        // Billed on the bytes read, summed before rounding; a filter's discarded items are not visible here.
        const bytes = ((response.Items ?? []) as Item[]).reduce((sum, item) => sum + itemSize(item), 0);
        const name = this.logicalId(request.TableName) + (request.IndexName ? `/${request.IndexName}` : "");
        this.tally.add(`ddb.rru:${name}`, readUnits(bytes, request.ConsistentRead ? "strong" : "eventual"));
        return;
      }
    }
  }

  private write(operation: string, body: Wire, response: Wire): Write {
    const tableName = body.TableName as string;
    if (operation === "PutItem")
      return { tableName, key: this.keyOf(tableName, body.Item), after: given(body.Item) };
    if (operation === "DeleteItem") return { tableName, key: body.Key, after: given(undefined) };
    if (response.Attributes && body.ReturnValues === "ALL_NEW") {
      return { tableName, key: body.Key, after: given(response.Attributes) };
    }
    return { tableName, key: body.Key, after: { kind: "read" } };
  }

  /**
   * Charges each write its table units (a failed condition is charged too) and, if it changed the
   * item, its index units; transactional writes count double.
   */
  private charge(writes: Write[], transactional: boolean, ok: boolean): void {
    for (const write of writes) {
      const table = this.facts(write.tableName);
      const key = `${write.tableName}|${itemKey(table, write.key)}`;
      const before = this.images.get(key);
      const apply = (after: Item | undefined, changed: boolean) => {
        this.tally.add(`ddb.wru:${table.logicalId}`, tableWriteUnits(before, after, transactional));
        if (!changed) return;
        for (const index of table.indexes) {
          const units = indexWriteUnits(before, after, index, table);
          this.tally.add(`ddb.wru:${table.logicalId}/${index.name}`, units * (transactional ? 2 : 1));
        }
        if (after) this.images.set(key, after);
        else this.images.delete(key);
      };
      const { after } = write;
      if (after.kind === "item") apply(ok ? after.item : before, ok);
      else if (after.kind === "unchanged" || !ok) apply(before, false);
      else {
        const done = this.readItem(write.tableName, write.key).then((image) => apply(image, true));
        this.pending.add(done);
        void done.finally(() => this.pending.delete(done));
      }
    }
  }

  private read(
    tableName: string,
    items: (Item | undefined)[],
    consistency: "eventual" | "strong" | "transactional",
  ) {
    const table = this.facts(tableName);
    for (const item of items) {
      this.tally.add(`ddb.rru:${table.logicalId}`, readUnits(item ? itemSize(item) : 0, consistency));
      if (item) this.images.set(`${tableName}|${itemKey(table, item)}`, item);
    }
  }

  private keyOf(tableName: string, item: Item): Item {
    return keyAttributes(this.facts(tableName), item);
  }

  private logicalId = (tableName: string) => this.facts(tableName).logicalId;

  private facts(tableName: string): TableFacts {
    const table = this.tables.get(tableName);
    if (!table) throw new Error(`the handlers used table ${tableName}, which no template table matches`);
    return table;
  }
}
