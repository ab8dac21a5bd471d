import { type InvocationTiming, parseMeterLine } from "./meter-lines";
import { API_REQUEST_ID } from "./platform-logs";

/** S3 requests by HTTP method (PUT: PutObject, GET: GetObject, …). */
export type S3Requests = Record<string, number>;

/**
 * The handlers' own log output in a slice of the local pipeline's output: everything the process
 * printed except the local runner's lines (the demo agent's, the Slack stand-in's and the local
 * router's notices, Node's process warnings) and the meter's lines, whose timings and S3 requests it
 * returns apart.
 * In Lambda each remaining line would be one CloudWatch Logs event.
 */

export interface LogShape {
  /** A JSON line's `message` (or `EMF metrics` for a metrics-only line), else the text's start. */
  shape: string;
  lines: number;
  bytes: number;
}

export interface HandlerLogs {
  lines: number;
  /** As written locally (newline included). */
  bytes: number;
  /** With each local function name and correlation id at its deployed length (see deployedNameLength). */
  deployedBytes: number;
  byFunction: { ingest: number; router: number; unattributed: number };
  shapes: LogShape[];
  timings: InvocationTiming[];
  s3Requests: S3Requests;
}

/** The runner's own lines: not from a handler, so not in any Lambda's logs. */
const RUNNER_LINE = /^(agent|router|slack): |^\(node:\d+\)|^\(Use `node --trace-warnings/;

/** The names local/ gives the handlers' Lambda contexts (local/pipeline.ts, local/router/local-router.ts). */
export const LOCAL_FUNCTION_NAMES = { ingest: "webhook-ingest", router: "webhook-router" } as const;

/**
 * CloudFormation names a function `<stack>-<logical id>-<12 random characters>`, at most 64
 * characters: the length Powertools' `function_name` and `function_arn` keys carry in AWS.
 */
export const deployedNameLength = (stackName: string, logicalId: string) =>
  Math.min(64, stackName.length + logicalId.length + 14);

/**
 * The correlation id is the API Gateway request id (functions/ingest/handler.ts), 16 characters in
 * AWS; the local pipeline makes a UUID (local/http/api-gateway-event.ts). Each one a line carries is
 * counted at the deployed length.
 */
const LOCAL_CORRELATION_ID =
  /"correlation_id":"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}"/g;
const CORRELATION_ID_SHORTER = 36 - API_REQUEST_ID.length;

function shapeOf(line: string): string {
  if (!line.startsWith("{")) return line.slice(0, 60);
  try {
    const json = JSON.parse(line) as Record<string, unknown>;
    if (typeof json.message === "string") return `${json.level ?? ""} ${json.message}`.trim().slice(0, 80);
    return json._aws ? "EMF metrics" : Object.keys(json).slice(0, 4).join(",");
  } catch {
    return line.slice(0, 60);
  }
}

const occurrences = (line: string, name: string) => line.split(name).length - 1;

export function handlerLogs(output: string, deployedLength: { ingest: number; router: number }): HandlerLogs {
  const logs: HandlerLogs = {
    lines: 0,
    bytes: 0,
    deployedBytes: 0,
    byFunction: { ingest: 0, router: 0, unattributed: 0 },
    shapes: [],
    timings: [],
    s3Requests: {},
  };
  const shapes = new Map<string, LogShape>();
  for (const line of output.split("\n")) {
    if (line.trim() === "" || RUNNER_LINE.test(line)) continue;
    const record = parseMeterLine(line);
    if (record?.fn === "s3") logs.s3Requests[record.method] = (logs.s3Requests[record.method] ?? 0) + 1;
    else if (record) logs.timings.push(record);
    if (record) continue;
    const bytes = Buffer.byteLength(line) + 1;
    let deployed = bytes - (line.match(LOCAL_CORRELATION_ID)?.length ?? 0) * CORRELATION_ID_SHORTER;
    for (const fn of ["ingest", "router"] as const) {
      deployed +=
        occurrences(line, LOCAL_FUNCTION_NAMES[fn]) * (deployedLength[fn] - LOCAL_FUNCTION_NAMES[fn].length);
    }
    const owner = line.includes(`"${LOCAL_FUNCTION_NAMES.ingest}"`)
      ? "ingest"
      : line.includes(`"${LOCAL_FUNCTION_NAMES.router}"`)
        ? "router"
        : "unattributed";
    logs.lines += 1;
    logs.bytes += bytes;
    logs.deployedBytes += deployed;
    logs.byFunction[owner] += deployed;
    const shape = shapeOf(line);
    const entry = shapes.get(shape) ?? { shape, lines: 0, bytes: 0 };
    entry.lines += 1;
    entry.bytes += deployed;
    shapes.set(shape, entry);
  }
  logs.shapes = [...shapes.values()].sort((a, b) => b.bytes - a.bytes);
  return logs;
}
