import {
  DescribeTableCommand,
  DynamoDBClient,
  GetItemCommand,
  ListTablesCommand,
  ScanCommand,
} from "@aws-sdk/client-dynamodb";
import { ListBucketsCommand, ListObjectsV2Command, S3Client } from "@aws-sdk/client-s3";
import type { LocalPipelineDescription } from "../../local/pipeline-file";
import type { Item } from "./item-size";
import type { TableFacts } from "./stack-facts";

/**
 * The local pipeline's stores read directly (never through the counting proxies, so none of this
 * is counted as the handlers' doing): which local table is which template table, items read back
 * after updates, and what is stored once a case has run.
 */
export interface LocalStores {
  /** Local table name → the template table with the same keys and indexes. */
  tables: ReadonlyMap<string, TableFacts>;
  getItem(tableName: string, key: Item): Promise<Item | undefined>;
  scan(tableName: string): Promise<Item[]>;
  /** Every object in every bucket: `bucket/key` → size in bytes. */
  objects(): Promise<Map<string, number>>;
}

const credentials = { accessKeyId: "local", secretAccessKey: "local" };

export async function openLocalStores(
  description: LocalPipelineDescription,
  templateTables: readonly TableFacts[],
): Promise<LocalStores> {
  const dynamodb = new DynamoDBClient({
    region: description.region,
    endpoint: description.dynamodbEndpoint,
    credentials,
  });
  const s3 = new S3Client({
    region: description.region,
    endpoint: description.s3Endpoint,
    forcePathStyle: true,
    credentials,
  });

  const tables = new Map<string, TableFacts>();
  for (const name of (await dynamodb.send(new ListTablesCommand({}))).TableNames ?? []) {
    const { Table } = await dynamodb.send(new DescribeTableCommand({ TableName: name }));
    const key = (type: string) => Table?.KeySchema?.find((k) => k.KeyType === type)?.AttributeName;
    const indexes = (Table?.GlobalSecondaryIndexes ?? []).map((i) => i.IndexName).sort();
    const match = templateTables.find(
      (t) =>
        t.partitionKey === key("HASH") &&
        t.sortKey === key("RANGE") &&
        JSON.stringify(t.indexes.map((i) => i.name).sort()) === JSON.stringify(indexes),
    );
    if (!match)
      throw new Error(`local table ${name} matches no table in the template (keys or indexes differ)`);
    tables.set(name, match);
  }

  return {
    tables,
    getItem: async (tableName, key) =>
      (
        await dynamodb.send(
          new GetItemCommand({ TableName: tableName, Key: key as never, ConsistentRead: true }),
        )
      ).Item as Item | undefined,
    scan: async (tableName) => {
      const items: Item[] = [];
      let start: Record<string, unknown> | undefined;
      do {
        const page = await dynamodb.send(
          new ScanCommand({ TableName: tableName, ...(start ? { ExclusiveStartKey: start as never } : {}) }),
        );
        items.push(...((page.Items ?? []) as unknown as Item[]));
        start = page.LastEvaluatedKey;
      } while (start);
      return items;
    },
    objects: async () => {
      const sizes = new Map<string, number>();
      for (const bucket of (await s3.send(new ListBucketsCommand({}))).Buckets ?? []) {
        let token: string | undefined;
        do {
          const page = await s3.send(
            new ListObjectsV2Command({
              Bucket: bucket.Name!,
              ...(token ? { ContinuationToken: token } : {}),
            }),
          );
          for (const object of page.Contents ?? [])
            sizes.set(`${bucket.Name}/${object.Key}`, object.Size ?? 0);
          token = page.NextContinuationToken;
        } while (token);
      }
      return sizes;
    },
  };
}
