import type { CliIO } from "./io";

export type Cell = string | number | boolean | undefined | null;

/** Aligned columns, a header row first; the last column is not padded. */
export function renderTable(headers: readonly string[], rows: readonly (readonly Cell[])[]): string {
  const text = [headers, ...rows].map((row) =>
    row.map((cell) => (cell === undefined || cell === null ? "" : String(cell))),
  );
  const widths = headers.map((_, i) => Math.max(...text.map((row) => row[i]?.length ?? 0)));
  return text
    .map((row) =>
      row
        .map((cell, i) => (i === row.length - 1 ? cell : cell.padEnd(widths[i]!)))
        .join("  ")
        .trimEnd(),
    )
    .join("\n")
    .concat("\n");
}

/**
 * A command's output: human text by default, one JSON document with `--json` (so scripts can pipe
 * it to jq). Commands call `result(json, human)`; diagnostics go to stderr either way.
 */
export class Output {
  constructor(
    private readonly io: CliIO,
    readonly json: boolean,
  ) {}

  /** Prints `data` as JSON with --json, else the human rendering. */
  result(data: unknown, human: () => string): void {
    if (this.json) this.io.stdout(`${JSON.stringify(data, null, 2)}\n`);
    else {
      const text = human();
      this.io.stdout(text.endsWith("\n") ? text : `${text}\n`);
    }
  }

  /** A note for humans on stderr (kept out of --json output). */
  note(text: string): void {
    this.io.stderr(`${text}\n`);
  }
}

/** `label: value` lines with the values aligned; rows whose value is undefined or null are left out. */
export function renderFields(rows: ReadonlyArray<readonly [string, Cell]>): string {
  const shown = rows.filter(([, value]) => value !== undefined && value !== null && value !== "");
  const width = Math.max(0, ...shown.map(([label]) => label.length + 1));
  return shown
    .map(([label, value]) => `${`${label}:`.padEnd(width)}  ${String(value)}`)
    .join("\n")
    .concat("\n");
}

/** Cuts text to `max` characters for a table cell, on one line. */
export function clip(text: string | undefined, max: number): string {
  if (!text) return "";
  const line = text.replace(/\s+/g, " ").trim();
  return line.length > max ? `${line.slice(0, max - 1)}…` : line;
}
