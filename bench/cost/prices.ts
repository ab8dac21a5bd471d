/**
 * The one price table `npm run cost` prices with: AWS list prices for us-east-1 (US East, N.
 * Virginia), on-demand, first volume tier, no free tier, no Savings Plans. Change a price here and
 * every figure (totals and floor alike) follows.
 *
 * Taken 2026-12-01 from the pricing pages named in each `source`. Those pages render their numbers
 * client-side, so the search corpus available when this was written confirmed the metering rules
 * (units, chunk sizes, rounding) but not every number: the numbers are the well-known published
 * list prices, cross-checked against issue 14's own figures ($0.625 per million WRU reproduces its
 * DynamoDB rows). Re-check them before quoting a figure to anyone outside the team. The Infrequent
 * Access log class's ingestion price was added on 2026-12-02, the same way: half the Standard class's
 * ingestion, as the class's announcement puts it; storage is one price for both classes.
 */
export const PRICES_TAKEN = "2026-12-01";
export const PRICE_REGION = "us-east-1";

export interface Price {
  /** US dollars per `unit`. */
  usd: number;
  unit: string;
  source: string;
}

/** Bytes in a billed GB: AWS meters storage and log ingestion in binary gigabytes (2^30 bytes). */
export const GB = 2 ** 30;

export const PRICES = {
  apiHttpRequest: {
    usd: 1.0 / 1e6,
    unit: "HTTP API request (metered in 512 KB increments), first 300 million a month",
    source: "https://aws.amazon.com/api-gateway/pricing/ (HTTP APIs)",
  },
  lambdaRequest: {
    usd: 0.2 / 1e6,
    unit: "Lambda invocation",
    source: "https://aws.amazon.com/lambda/pricing/",
  },
  lambdaArmGbSecond: {
    usd: 0.0000133334,
    unit: "GB-second on arm64, first 7.5 billion GB-s a month",
    source: "https://aws.amazon.com/lambda/pricing/ (duration, Arm price)",
  },
  lambdaX86GbSecond: {
    usd: 0.0000166667,
    unit: "GB-second on x86_64, first 6 billion GB-s a month",
    source: "https://aws.amazon.com/lambda/pricing/ (duration, x86 price)",
  },
  sqsRequest: {
    usd: 0.4 / 1e6,
    unit: "standard queue request; each 64 KB chunk of a request's payload is one request",
    source: "https://aws.amazon.com/sqs/pricing/",
  },
  dynamodbWriteUnit: {
    usd: 0.625 / 1e6,
    unit: "on-demand write request unit (1 KB; transactional 2 units), Standard table class",
    source: "https://aws.amazon.com/dynamodb/pricing/on-demand/ (after the November 2024 reduction)",
  },
  dynamodbReadUnit: {
    usd: 0.125 / 1e6,
    unit: "on-demand read request unit (4 KB strongly consistent, or two eventually consistent)",
    source: "https://aws.amazon.com/dynamodb/pricing/on-demand/",
  },
  dynamodbStorageGbMonth: {
    usd: 0.25,
    unit: "GB-month of table and index storage (each item +100 B), Standard table class",
    source: "https://aws.amazon.com/dynamodb/pricing/on-demand/ (data storage)",
  },
  dynamodbPitrGbMonth: {
    usd: 0.2,
    unit: "GB-month of continuous backup (point-in-time recovery), on the table's size",
    source: "https://aws.amazon.com/dynamodb/pricing/on-demand/ (backup and restore)",
  },
  s3Put: {
    usd: 0.005 / 1000,
    unit: "S3 Standard PUT/COPY/POST/LIST request",
    source: "https://aws.amazon.com/s3/pricing/ (requests and data retrievals)",
  },
  s3Get: {
    usd: 0.0004 / 1000,
    unit: "S3 Standard GET request",
    source: "https://aws.amazon.com/s3/pricing/",
  },
  s3StorageGbMonth: {
    usd: 0.023,
    unit: "GB-month of S3 Standard storage, first 50 TB",
    source: "https://aws.amazon.com/s3/pricing/ (storage)",
  },
  logsIngestStandardGb: {
    usd: 0.5,
    unit: "GB of CloudWatch Logs ingested, Standard log class",
    source: "https://aws.amazon.com/cloudwatch/pricing/ (logs: collect)",
  },
  logsIngestInfrequentAccessGb: {
    usd: 0.25,
    unit: "GB of CloudWatch Logs ingested, Infrequent Access log class",
    source: "https://aws.amazon.com/cloudwatch/pricing/ (logs: collect, Infrequent Access)",
  },
  logsStorageGbMonth: {
    usd: 0.03,
    unit: "GB-month of CloudWatch Logs stored, either log class (billed compressed; priced here uncompressed, an upper bound)",
    source: "https://aws.amazon.com/cloudwatch/pricing/ (logs: store)",
  },
  xrayTrace: {
    usd: 5.0 / 1e6,
    unit: "X-Ray trace recorded",
    source: "https://aws.amazon.com/xray/pricing/",
  },
  secretsManagerCall: {
    usd: 0.05 / 10_000,
    unit: "Secrets Manager API call",
    source: "https://aws.amazon.com/secrets-manager/pricing/",
  },
  secretMonth: {
    usd: 0.4,
    unit: "secret stored, per month (fixed: not in the per-million figures)",
    source: "https://aws.amazon.com/secrets-manager/pricing/",
  },
  dashboardMonth: {
    usd: 3.0,
    unit: "CloudWatch dashboard, per month (fixed)",
    source: "https://aws.amazon.com/cloudwatch/pricing/ (dashboards)",
  },
  alarmMonth: {
    usd: 0.1,
    unit: "standard-resolution CloudWatch alarm metric, per month (fixed)",
    source: "https://aws.amazon.com/cloudwatch/pricing/ (alarms)",
  },
} as const satisfies Record<string, Price>;

export type PriceTable = { readonly [K in keyof typeof PRICES]: Price };
