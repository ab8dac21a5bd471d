import { execFile } from "node:child_process";
import { resolve } from "node:path";
import { promisify } from "node:util";
import { describe, expect, it } from "vitest";

const ROOT = resolve(import.meta.dirname, "../../..");

/**
 * Runs `script` in a fresh process (through tsx), where nothing has loaded Powertools' Logger yet,
 * and returns the JSON lines it wrote.
 */
async function linesOf(script: string): Promise<Record<string, unknown>[]> {
  const { NODE_OPTIONS: _, ...env } = process.env;
  const { stdout, stderr } = await promisify(execFile)(
    process.execPath,
    ["--import", "tsx", "--input-type=module", "-e", script],
    { cwd: ROOT, env: { ...env, POWERTOOLS_LOG_LEVEL: "INFO", POWERTOOLS_DEV: "false" } },
  );
  // Powertools writes warnings and errors to stderr; the script's own line goes to stdout after.
  return `${stderr}${stdout}`
    .split("\n")
    .filter((line) => line.startsWith("{"))
    .map((line) => JSON.parse(line));
}

describe("deferredLogger", () => {
  it("loads the Logger on its first line and writes every line, in order, before it resolves", async () => {
    const lines = await linesOf(`
      const { deferredLogger } = await import("./shared/observability/deferred-logger.ts");
      const first = deferredLogger.warn("first", { n: 1 });
      const second = deferredLogger.error("second", { n: 2 });
      await second;
      await first;
      console.log(JSON.stringify({ message: "after" }));`);
    expect(lines.map((line) => [line.level, line.message, line.n])).toEqual([
      ["WARN", "first", 1],
      ["ERROR", "second", 2],
      [undefined, "after", undefined],
    ]);
  }, 30_000);
});
