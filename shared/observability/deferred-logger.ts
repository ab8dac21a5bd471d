import type { Logger } from "@aws-lambda-powertools/logger";

/**
 * The Logger for code that logs only on its unusual paths (ingest: its warnings and errors; every
 * request's record goes through record-line.ts), loaded on its first line: a cold start then does
 * not pay for loading Powertools' Logger (about 10 ms of the ingest bundle's import). Each call
 * resolves once its line is written, so a request path can await it before answering (Lambda may
 * freeze the process as soon as it has answered). Where logger.ts is loaded anyway, lines are
 * written at once.
 */

let ready: Logger | undefined;
let loading: Promise<unknown> | undefined;

/** Called by logger.ts as it creates the Logger. */
export function useLogger(logger: Logger): void {
  ready = logger;
}

type Attributes = Record<string, unknown>;

async function log(level: "warn" | "error", message: string, attributes: Attributes): Promise<void> {
  if (!ready) {
    loading ??= import("./logger");
    await loading;
  }
  ready![level](message, attributes);
}

export const deferredLogger = {
  warn: (message: string, attributes: Attributes = {}) => log("warn", message, attributes),
  error: (message: string, attributes: Attributes = {}) => log("error", message, attributes),
};
