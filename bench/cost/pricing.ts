import { GB, type PriceTable } from "./prices";
import type { LogClass } from "./stack-facts";

/** What one webhook uses, on average, in the units AWS bills (totals and floor alike). */
export interface Usage {
  apiRequests: number;
  lambdaRequests: number;
  lambdaGbSeconds: { arm64: number; x86_64: number };
  /** After 64 KB chunking. */
  sqsRequests: number;
  dynamodbWriteUnits: number;
  dynamodbReadUnits: number;
  /** Table and index bytes × months kept (DynamoDB's 100 B per item included). */
  dynamodbStorageByteMonths: number;
  /** Bytes × months of tables with point-in-time recovery on (indexes are not backed up). */
  pitrByteMonths: number;
  s3Puts: number;
  s3Gets: number;
  s3StorageByteMonths: number;
  /** Bytes ingested into log groups of each class (each class has its own ingestion price). */
  logIngestBytes: Record<LogClass, number>;
  logStorageByteMonths: number;
  xrayTraces: number;
  secretsManagerCalls: number;
}

export const COMPONENTS = [
  "API Gateway",
  "Lambda requests",
  "Lambda compute",
  "SQS",
  "DynamoDB writes",
  "DynamoDB reads",
  "DynamoDB storage + PITR",
  "S3",
  "CloudWatch Logs",
  "X-Ray",
  "Secrets Manager",
] as const;

export type Component = (typeof COMPONENTS)[number];

export type ComponentCosts = Record<Component, number>;

/** The price of a GB ingested into a log group of each class. */
const LOG_INGEST_PRICE = {
  STANDARD: "logsIngestStandardGb",
  INFREQUENT_ACCESS: "logsIngestInfrequentAccessGb",
} as const satisfies Record<LogClass, keyof PriceTable>;

/** US dollars per million webhooks, component by component. */
export function pricePerMillion(usage: Usage, prices: PriceTable): ComponentCosts {
  const perEvent: ComponentCosts = {
    "API Gateway": usage.apiRequests * prices.apiHttpRequest.usd,
    "Lambda requests": usage.lambdaRequests * prices.lambdaRequest.usd,
    "Lambda compute":
      usage.lambdaGbSeconds.arm64 * prices.lambdaArmGbSecond.usd +
      usage.lambdaGbSeconds.x86_64 * prices.lambdaX86GbSecond.usd,
    SQS: usage.sqsRequests * prices.sqsRequest.usd,
    "DynamoDB writes": usage.dynamodbWriteUnits * prices.dynamodbWriteUnit.usd,
    "DynamoDB reads": usage.dynamodbReadUnits * prices.dynamodbReadUnit.usd,
    "DynamoDB storage + PITR":
      (usage.dynamodbStorageByteMonths / GB) * prices.dynamodbStorageGbMonth.usd +
      (usage.pitrByteMonths / GB) * prices.dynamodbPitrGbMonth.usd,
    S3:
      usage.s3Puts * prices.s3Put.usd +
      usage.s3Gets * prices.s3Get.usd +
      (usage.s3StorageByteMonths / GB) * prices.s3StorageGbMonth.usd,
    "CloudWatch Logs":
      (Object.keys(LOG_INGEST_PRICE) as LogClass[]).reduce(
        (sum, logClass) =>
          sum + (usage.logIngestBytes[logClass] / GB) * prices[LOG_INGEST_PRICE[logClass]].usd,
        0,
      ) +
      (usage.logStorageByteMonths / GB) * prices.logsStorageGbMonth.usd,
    "X-Ray": usage.xrayTraces * prices.xrayTrace.usd,
    "Secrets Manager": usage.secretsManagerCalls * prices.secretsManagerCall.usd,
  };
  return Object.fromEntries(
    Object.entries(perEvent).map(([component, usd]) => [component, usd * 1e6]),
  ) as ComponentCosts;
}

export const totalOf = (costs: ComponentCosts) => Object.values(costs).reduce((sum, usd) => sum + usd, 0);

/** Billed GB-seconds of invocations lasting `ms` (Lambda rounds each up to the millisecond). */
export const gbSeconds = (memoryMb: number, ms: number) => (memoryMb / 1024) * (Math.ceil(ms) / 1000);
