/**
 * The lines the metered pipeline (metered-start.ts) prints for every handler invocation it times,
 * among the handlers' own output: the cost run reads them back and leaves them out of the log bytes.
 */
export const METER_PREFIX = "cost-meter ";

export interface InvocationTiming {
  fn: "ingest" | "router";
  /** Wall time of the invocation, in milliseconds. */
  ms: number;
  /** Router: the records in the batch. */
  records?: number;
  /** Ingest: the request path (which provider's function it is in the stack). */
  path?: string;
}

export const meterLine = (timing: InvocationTiming) => `${METER_PREFIX}${JSON.stringify(timing)}\n`;

export function parseMeterLine(line: string): InvocationTiming | undefined {
  return line.startsWith(METER_PREFIX)
    ? (JSON.parse(line.slice(METER_PREFIX.length)) as InvocationTiming)
    : undefined;
}
