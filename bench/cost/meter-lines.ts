/**
 * The lines the metered pipeline (metered-start.ts) prints among the handlers' own output: one per
 * handler invocation it times and one per S3 request the handlers make. The cost run reads them
 * back and leaves them out of the log bytes.
 */
export const METER_PREFIX = "cost-meter ";

export interface InvocationTiming {
  fn: "ingest" | "router";
  /** Wall time of the invocation, in milliseconds. */
  ms: number;
  /** Router: the records in the batch. */
  records?: number;
  /** Ingest: the request path. */
  path?: string;
}

/** An S3 request (S3 shares the SQS emulator's endpoint, which the handlers reach directly). */
export interface S3Request {
  fn: "s3";
  method: string;
}

export type MeterRecord = InvocationTiming | S3Request;

export const meterLine = (record: MeterRecord) => `${METER_PREFIX}${JSON.stringify(record)}\n`;

export function parseMeterLine(line: string): MeterRecord | undefined {
  return line.startsWith(METER_PREFIX)
    ? (JSON.parse(line.slice(METER_PREFIX.length)) as MeterRecord)
    : undefined;
}
