import { colourWanted, painter } from "./colour";
import { EventNames } from "./event-names";
import { lineSplitter } from "./line-splitter";
import { readableLogLine } from "./log-line";

/** A stream whose `write` can be wrapped: process.stdout and process.stderr, or a test's stand-in. */
export interface WritableOutput {
  write: NodeJS.WriteStream["write"];
  isTTY?: boolean;
}

type Callback = (error?: Error | null) => void;

/**
 * Makes `stream` print each line written to it as readableLogLine shows it, in colour when the
 * stream wants it. The handlers write whole lines (a record line, a Powertools line through
 * console), so a line is formatted once its newline arrives; an unfinished tail waits for the
 * next write, or for `flush`.
 */
function readableStream(stream: WritableOutput, env: NodeJS.ProcessEnv, now: () => Date, events: EventNames) {
  const own = stream.write;
  const original = own.bind(stream) as (text: string, callback?: Callback) => boolean;
  const format = { paint: painter(colourWanted(env, stream.isTTY === true)), now, events };
  const splitter = lineSplitter();
  const shown = (lines: string[]) =>
    lines
      .map((line) => readableLogLine(line.endsWith("\r") ? line.slice(0, -1) : line, format))
      .filter((line) => line !== undefined)
      .map((line) => `${line}\n`)
      .join("");
  stream.write = ((chunk: string | Uint8Array, encoding?: BufferEncoding | Callback, callback?: Callback) => {
    const done = typeof encoding === "function" ? encoding : callback;
    const out = shown(splitter.lines(chunk));
    if (out === "") {
      if (done) process.nextTick(done);
      return true;
    }
    return original(out, done);
  }) as NodeJS.WriteStream["write"];
  return {
    flush: () => {
      const rest = splitter.rest();
      if (rest !== "") original(shown([rest]));
    },
    restore: () => {
      stream.write = own;
    },
  };
}

export interface ReadableOutput {
  /** Shows any unfinished line (as the process exits). */
  flush(): void;
  /** Puts the streams' own `write` back. */
  restore(): void;
}

/**
 * `npm start`'s terminal: every line written to these streams (the handlers' JSON lines and the
 * runner's notices) shown as readableLogLine formats it. Colour is decided per stream, so a
 * terminal's stdout can be coloured while its stderr is redirected to a file.
 */
export function showReadableLogs(
  streams: WritableOutput[] = [process.stdout, process.stderr],
  env: NodeJS.ProcessEnv = process.env,
  now: () => Date = () => new Date(),
): ReadableOutput {
  // One memory for all streams: whichever stream a handler writes to, its events are named.
  const events = new EventNames();
  const wrapped = streams.map((stream) => readableStream(stream, env, now, events));
  return {
    flush: () => {
      for (const w of wrapped) w.flush();
    },
    restore: () => {
      for (const w of wrapped) w.restore();
    },
  };
}
