import { vi } from "vitest";

/**
 * What the handlers' own code writes, captured line by line: the real record functions write
 * through process.stdout (ingest's record line) and Powertools' console (stdout for info, stderr
 * for warnings and errors), exactly as in Lambda. A test feeds these lines to the formatter, so a
 * renamed field in a record shows up as a failing test.
 */
export async function linesWrittenBy(run: () => unknown): Promise<string[]> {
  const written: string[] = [];
  const capture = (chunk: unknown) => {
    written.push(String(chunk));
    return true;
  };
  const out = vi.spyOn(process.stdout, "write").mockImplementation(capture);
  const err = vi.spyOn(process.stderr, "write").mockImplementation(capture);
  try {
    await run();
  } finally {
    out.mockRestore();
    err.mockRestore();
  }
  return written
    .join("")
    .split("\n")
    .filter((line) => line !== "");
}

/** The one line `run` writes (fails the test if it wrote none or several). */
export async function lineWrittenBy(run: () => unknown): Promise<string> {
  const lines = await linesWrittenBy(run);
  if (lines.length !== 1) throw new Error(`expected one line, got ${lines.length}:\n${lines.join("\n")}`);
  return lines[0]!;
}
