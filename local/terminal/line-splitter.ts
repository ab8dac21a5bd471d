import { StringDecoder } from "node:string_decoder";

/** Text without a newline held back at most this long before it is handed over anyway. */
export const PARTIAL_MAX = 64 * 1024;

/**
 * Whole lines out of text written to a stream in chunks: bytes decoded as UTF-8 across writes (a
 * character split between two is not mangled), an unfinished tail kept for the next chunk, and a
 * tail longer than PARTIAL_MAX handed over as a line of its own rather than held without bound.
 */
export function lineSplitter() {
  let partial = "";
  const bytes = new StringDecoder("utf8");
  return {
    lines(chunk: string | Uint8Array): string[] {
      const text = typeof chunk === "string" ? chunk : bytes.write(Buffer.from(chunk));
      const lines = (partial + text).split("\n");
      partial = lines.pop() ?? "";
      if (partial.length > PARTIAL_MAX) {
        lines.push(partial);
        partial = "";
      }
      return lines;
    },
    /** The unfinished tail, taken (as the process exits). */
    rest(): string {
      const rest = partial;
      partial = "";
      return rest;
    },
  };
}
