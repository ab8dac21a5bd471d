import type { Fields, LineFormat } from "./columns";
import { isLevelLine, levelLine } from "./level-line";
import { deliveredLines, isOutcomeRecord, outcomeLine } from "./outcome-line";
import { printableLine } from "./printable-text";
import { isRequestRecord, requestLine } from "./request-line";

export type { LineFormat } from "./columns";

/** A line that is not the handlers' (the runner's own notices, the banner) is shown up to this length. */
const LINE_MAX = 2_000;

function parsed(line: string): Fields | undefined {
  if (!line.startsWith("{")) return undefined;
  try {
    const value = JSON.parse(line) as unknown;
    return typeof value === "object" && value !== null && !Array.isArray(value)
      ? (value as Fields)
      : undefined;
  } catch {
    return undefined;
  }
}

/**
 * One line the process wrote, as a person reads it: ingest's record of a request and the router's
 * record of an outcome as one line each (the router's line of an invocation's delivered events as
 * one line per event, named as ingest's line named it), any other Powertools line by level and message, a metrics
 * line (EMF alone: the records already say what it counts) not at all (undefined). Anything else is
 * passed through, only made printable.
 */
export function readableLogLine(line: string, format: LineFormat): string | undefined {
  const fields = parsed(line);
  if (!fields) return printableLine(line, LINE_MAX);
  if (isRequestRecord(fields)) {
    format.events?.remember(fields);
    return requestLine(fields, format);
  }
  if (isOutcomeRecord(fields)) return outcomeLine(fields, format);
  const delivered = deliveredLines(fields, format);
  if (delivered !== undefined) return delivered;
  if (isLevelLine(fields)) return levelLine(fields, format);
  if (fields._aws !== undefined) return undefined;
  return printableLine(line, LINE_MAX);
}
