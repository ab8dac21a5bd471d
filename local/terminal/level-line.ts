import type { Style } from "./colour";
import { type Fields, type LineFormat, text, timeOf } from "./columns";
import { printableField } from "./printable-text";

const LEVEL_STYLE: Record<string, Style> = {
  DEBUG: "dim",
  INFO: "blue",
  WARN: "yellow",
  ERROR: "red",
  CRITICAL: ["red", "bold"],
};

/** Keys every Powertools line carries that say nothing about this one. */
const SAID_ELSEWHERE = new Set(["level", "message", "timestamp", "service", "xray_trace_id", "_aws"]);
/** Frames of an error's stack shown: where it was thrown and how it got there. */
const STACK_FRAMES = 8;
const FRAME_MAX = 200;

/** A Powertools line (shared/observability/logger.ts): a `level` and a `message`. */
export const isLevelLine = (fields: Fields) =>
  typeof fields.level === "string" && typeof fields.message === "string";

interface LoggedError {
  name?: unknown;
  message?: unknown;
  location?: unknown;
  stack?: unknown;
}

const isLoggedError = (value: unknown): value is LoggedError =>
  typeof value === "object" && value !== null && "message" in value && "stack" in value;

/** The metric values an EMF line carries beside its directives (`"EventsDelivered": 1`). */
function metricNames(fields: Fields): Set<string> {
  const aws = fields._aws as { CloudWatchMetrics?: { Metrics?: { Name?: string }[] }[] } | undefined;
  return new Set((aws?.CloudWatchMetrics ?? []).flatMap((d) => (d.Metrics ?? []).map((m) => m.Name ?? "")));
}

function value(v: unknown): string {
  if (typeof v === "string" || typeof v === "number" || typeof v === "boolean") return text(v);
  return printableField(JSON.stringify(v) ?? "", 300);
}

/**
 * Any other log line at its level: the message, then its fields as `key=value`; an error's name,
 * message and place, with the top of its stack indented below.
 */
export function levelLine(fields: Fields, format: LineFormat): string {
  const { paint } = format;
  const level = text(fields.level, 10).toUpperCase();
  const metrics = metricNames(fields);
  const pairs: string[] = [];
  const stacks: string[] = [];
  for (const [key, v] of Object.entries(fields)) {
    if (SAID_ELSEWHERE.has(key) || metrics.has(key)) continue;
    if (isLoggedError(v)) {
      const at = v.location ? ` (${text(v.location)})` : "";
      pairs.push(`${printableField(key, 40)}=${text(v.name, 60) || "Error"}: ${text(v.message)}${at}`);
      const frames = typeof v.stack === "string" ? v.stack.split("\n").slice(1, STACK_FRAMES + 1) : [];
      stacks.push(...frames.map((frame) => paint("dim", `      ${printableField(frame, FRAME_MAX)}`)));
    } else {
      pairs.push(`${printableField(key, 40)}=${value(v)}`);
    }
  }
  const head = [
    paint("dim", timeOf(fields, format.now)),
    paint(LEVEL_STYLE[level] ?? "yellow", level.padEnd(7)),
    paint(level === "INFO" || level === "DEBUG" ? "reset" : "bold", text(fields.message)),
    ...pairs,
  ].join(" ");
  return [head, ...stacks].join("\n");
}
