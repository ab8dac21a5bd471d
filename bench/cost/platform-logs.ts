import type { FunctionFacts } from "./stack-facts";

/**
 * Log bytes the local pipeline cannot produce, modelled from the template: Lambda's own lines per
 * invocation, and API Gateway's access log line per request. Each is built as AWS writes it, with
 * typical values, and measured, rather than assumed as a constant.
 */

const REQUEST_ID = "8f5b3c2a-1d4e-4f6a-9b7c-0e1d2f3a4b5c";
/** An HTTP API request id as API Gateway writes it: the correlation id ingest and the router log. */
export const API_REQUEST_ID = "JxKq0hB9FiAEMbQ=";
const TRACE = { root: "1-674cf3a1-5c1d2e3f4a5b6c7d8e9f0a1b", segment: "3c2b1a0f9e8d7c6b" };

/** Lambda's text-format START, END and REPORT lines (and the REPORT's X-Ray line when traced). */
function textLines(fn: FunctionFacts): string[] {
  return [
    `START RequestId: ${REQUEST_ID} Version: $LATEST`,
    `END RequestId: ${REQUEST_ID}`,
    `REPORT RequestId: ${REQUEST_ID}\tDuration: 12.34 ms\tBilled Duration: 13 ms\tMemory Size: ${fn.memoryMb} MB\tMax Memory Used: 98 MB\t`,
    ...(fn.tracing === "Active"
      ? [`XRAY TraceId: ${TRACE.root}\tSegmentId: ${TRACE.segment}\tSampled: true\t`]
      : []),
  ];
}

/** The JSON format's platform.start and platform.report events. */
function jsonLines(fn: FunctionFacts): string[] {
  const time = "2026-12-01T12:00:00.000Z";
  return [
    JSON.stringify({ time, type: "platform.start", record: { requestId: REQUEST_ID, version: "$LATEST" } }),
    JSON.stringify({
      time,
      type: "platform.report",
      record: {
        requestId: REQUEST_ID,
        metrics: { durationMs: 12.345, billedDurationMs: 13, memorySizeMB: fn.memoryMb, maxMemoryUsedMB: 98 },
        ...(fn.tracing === "Active"
          ? {
              tracing: {
                spanId: TRACE.segment,
                type: "X-Amzn-Trace-Id",
                value: `Root=${TRACE.root};Parent=${TRACE.segment};Sampled=1`,
              },
            }
          : {}),
        status: "success",
      },
    }),
  ];
}

/**
 * Bytes of Lambda's own lines per invocation: none when the JSON format's system log level is WARN
 * (they are INFO events), the JSON events otherwise, the text lines in the default text format.
 */
export function platformBytesPerInvocation(fn: FunctionFacts): number {
  if (fn.logFormat === "JSON" && fn.systemLogLevel === "WARN") return 0;
  const lines = fn.logFormat === "JSON" ? jsonLines(fn) : textLines(fn);
  return lines.reduce((sum, line) => sum + Buffer.byteLength(line) + 1, 0);
}

/** Typical values for the `$context` variables an HTTP API access log format uses. */
function contextValue(name: string, request: AccessLogRequest): string {
  const values: Record<string, string> = {
    requestId: API_REQUEST_ID,
    extendedRequestId: API_REQUEST_ID,
    "identity.sourceIp": "192.30.252.44",
    requestTime: "01/Dec/2026:12:00:00 +0000",
    requestTimeEpoch: "1764590400000",
    httpMethod: "POST",
    routeKey: `POST ${request.path}`,
    path: request.path,
    status: String(request.status),
    protocol: "HTTP/1.1",
    responseLength: String(request.responseBytes),
    responseLatency: "31",
    integrationStatus: String(request.status),
    integrationLatency: "29",
    "integration.status": String(request.status),
    "integration.latency": "29",
    "identity.userAgent": request.userAgent,
    domainName: "abc123xyz0.execute-api.us-east-1.amazonaws.com",
    stage: "$default",
  };
  return values[name] ?? "-";
}

export interface AccessLogRequest {
  path: string;
  status: number;
  responseBytes: number;
  userAgent: string;
}

/** One access log line for this request in the stage's format (unknown variables as `-`, as AWS writes empty ones). */
export function accessLogBytes(format: string, request: AccessLogRequest): number {
  const line = format.replace(/\$context\.([A-Za-z0-9_.]+[A-Za-z0-9_])/g, (_, name: string) =>
    contextValue(name, request),
  );
  return Buffer.byteLength(line) + 1;
}
