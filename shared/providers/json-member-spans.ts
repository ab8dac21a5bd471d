/**
 * JSON text checked exactly as JSON.parse checks it, without building the value, and where a few of
 * its top-level members' values are: for a body ingest forwards verbatim and reads only a member or
 * two of (GitHub's `action`), 0.53–0.56x JSON.parse's time on a 25 KiB or 100 KiB push and 0.7x
 * on a 10 KiB issue (`npx tsx bench/json-member-spans.bench.ts`).
 *
 * It is fast by leaving long runs to native searches, over a one-byte (latin1) string of the bytes,
 * where `indexOf` is a memchr: a string's closing quote is found that way and its content never
 * visited, since the next backslash and the next tab or line break are known from searches of their
 * own, each moved on only once the scan is past it; the other control characters are allowed
 * nowhere in JSON text, so one search each over the whole text refuses them. Structure and numbers
 * are read a byte at a time, iteratively: no nesting depth can overflow the stack.
 *
 * The bytes must be well-formed UTF-8 (the caller checks): a byte above 0x7f is then part of a
 * character, allowed in strings and refused anywhere else, as JSON.parse refuses it.
 */

const QUOTE = 0x22;
const COMMA = 0x2c;
const COLON = 0x3a;
const MINUS = 0x2d;
const PLUS = 0x2b;
const DOT = 0x2e;
const ZERO = 0x30;
const NINE = 0x39;
const OPEN_BRACE = 0x7b;
const CLOSE_BRACE = 0x7d;
const OPEN_BRACKET = 0x5b;
const CLOSE_BRACKET = 0x5d;

const TAB = 0x09;
const LF = 0x0a;
const CR = 0x0d;
/** The control characters JSON allows nowhere: neither in strings nor as whitespace. */
const STRAY_CONTROLS = Array.from({ length: 0x20 }, (_, c) => c).filter(
  (c) => c !== TAB && c !== LF && c !== CR,
);

/** The characters after `\` that JSON allows, but `u`, which takes four hex digits. */
const SIMPLE_ESCAPE = new Uint8Array(0x80);
for (const c of '"\\/bfnrt') SIMPLE_ESCAPE[c.charCodeAt(0)] = 1;
const HEX_DIGIT = new Uint8Array(0x80);
for (const c of "0123456789abcdefABCDEF") HEX_DIGIT[c.charCodeAt(0)] = 1;

const isWhitespace = (c: number) => c === 0x20 || c === LF || c === CR || c === TAB;
const isDigit = (c: number) => c >= ZERO && c <= NINE;
const isHexDigit = (c: number | undefined) => c !== undefined && c < 0x80 && HEX_DIGIT[c] === 1;

/** Where a member's value is in the bytes: `bytes.subarray(start, end)` is its JSON text. */
export interface Span {
  start: number;
  end: number;
}

function skipWhitespace(b: Uint8Array, from: number): number {
  let i = from;
  // Above 0x20 first: compact JSON has no whitespace, and every byte between tokens is one of those.
  while (i < b.length && b[i]! <= 0x20 && isWhitespace(b[i]!)) i++;
  return i;
}

function digitsEnd(b: Uint8Array, from: number): number {
  let i = from;
  while (i < b.length && isDigit(b[i]!)) i++;
  return i;
}

/** The index just past the number at `start`, or -1 (`-?(0|[1-9]\d*)(\.\d+)?([eE][+-]?\d+)?`). */
function numberEnd(b: Uint8Array, start: number): number {
  let i = start;
  if (b[i] === MINUS) i++;
  if (b[i] === ZERO) i++;
  else if (i < b.length && isDigit(b[i]!)) i = digitsEnd(b, i + 1);
  else return -1;
  if (b[i] === DOT) {
    const end = digitsEnd(b, i + 1);
    if (end === i + 1) return -1;
    i = end;
  }
  if (b[i] === 0x65 || b[i] === 0x45) {
    i++;
    if (b[i] === PLUS || b[i] === MINUS) i++;
    const end = digitsEnd(b, i);
    if (end === i) return -1;
    i = end;
  }
  return i;
}

/** The index just past `word` (ASCII) at `start`, or -1. */
function literalEnd(b: Uint8Array, start: number, word: string): number {
  for (let k = 1; k < word.length; k++) if (b[start + k] !== word.charCodeAt(k)) return -1;
  return start + word.length;
}

/** The index just past the escape whose backslash is at `at`, or -1 when JSON has no such escape. */
function escapeEnd(b: Uint8Array, at: number): number {
  const c = b[at + 1];
  if (c === undefined) return -1;
  if (c < 0x80 && SIMPLE_ESCAPE[c] === 1) return at + 2;
  const unicode =
    c === 0x75 &&
    isHexDigit(b[at + 2]) &&
    isHexDigit(b[at + 3]) &&
    isHexDigit(b[at + 4]) &&
    isHexDigit(b[at + 5]);
  return unicode ? at + 6 : -1;
}

/** The strings of one text: where its next backslash and next tab or line break are. */
class Strings {
  /** The next backslash at or after the string being read: every one before it was a checked escape. */
  private escape: number;
  /** The next tab, CR or LF at or after some point before the string being read. */
  private lineBreak: number;

  /** `s` holds the bytes `b` as latin1, for its native searches. */
  constructor(
    private readonly s: string,
    private readonly b: Uint8Array,
  ) {
    this.escape = this.next("\\", 0);
    this.lineBreak = this.nextLineBreak(0);
  }

  private next(search: string, from: number): number {
    const at = this.s.indexOf(search, from);
    return at === -1 ? this.s.length : at;
  }

  private nextLineBreak(from: number): number {
    return Math.min(this.next("\n", from), this.next("\r", from), this.next("\t", from));
  }

  /**
   * The index just past the string whose opening quote is at `open`, or -1 when it is not a JSON
   * string. A backslash outside strings stops the scan where it stands, so none is ever left behind
   * `escape` when a string starts.
   */
  end(open: number): number {
    let from = open + 1;
    search: for (;;) {
      const close = this.s.indexOf('"', from);
      if (close === -1) return -1;
      while (this.escape < close) {
        const end = escapeEnd(this.b, this.escape);
        if (end === -1) return -1;
        this.escape = this.next("\\", end);
        // `\"`: that quote is content, and the string goes on.
        if (end > close) {
          from = end;
          continue search;
        }
      }
      if (this.lineBreak < open) this.lineBreak = this.nextLineBreak(open);
      return this.lineBreak < close ? -1 : close + 1;
    }
  }
}

/** The wanted names, and each as its UTF-8 bytes read as latin1: what a key naming it holds unescaped. */
class Names {
  private readonly asLatin1: readonly string[];

  constructor(private readonly names: readonly string[]) {
    // A printable ASCII name (any GitHub names) is its own bytes; any other is encoded.
    this.asLatin1 = names.map((name) =>
      /^[ -~]*$/.test(name) ? name : Buffer.from(name, "utf8").toString("latin1"),
    );
  }

  /**
   * The index of the member named by the key between `open` and `end` (its quotes) of `text`, the
   * bytes as latin1, or -1. Compared there, as a slice of `text`, the key is not decoded: a call
   * into the buffer's UTF-8 decoding per top-level key cost more than the rest of the comparison.
   */
  indexOf(bytes: Buffer, text: string, open: number, end: number): number {
    const key = text.slice(open + 1, end - 1);
    if (!key.includes("\\")) return this.asLatin1.indexOf(key);
    // Spelled with escapes (`"\u0061ction"`): the name JSON.parse gives the member.
    return this.names.indexOf(JSON.parse(bytes.toString("utf8", open, end)) as string);
  }
}

/**
 * For bytes that are JSON text holding an object (exactly as JSON.parse would accept them), the
 * span of the value of each of the top-level members `names`, in their order: of the last one, as
 * JSON.parse keeps the last of repeated names, or undefined when absent. Undefined for anything else:
 * bytes that are not JSON text, or JSON text that is not an object.
 */
export function objectMemberSpans(bytes: Buffer, names: readonly string[]): (Span | undefined)[] | undefined {
  for (const control of STRAY_CONTROLS) if (bytes.indexOf(control) !== -1) return undefined;
  const b = bytes;
  const text = bytes.toString("latin1");
  const strings = new Strings(text, b);
  const wanted = new Names(names);
  const spans: (Span | undefined)[] = names.map(() => undefined);
  // The open containers, innermost last: the bracket that closes each.
  let closers = new Uint8Array(64);
  let depth = 0;
  // The wanted top-level member whose value is being read, and where that value starts.
  let member = -1;
  let valueStart = 0;
  let expectKey = false;
  let i = skipWhitespace(b, 0);
  if (b[i] !== OPEN_BRACE) return undefined;

  for (;;) {
    if (expectKey) {
      // `"name":` before each value in an object.
      if (b[i] !== QUOTE) return undefined;
      const keyStart = i;
      const keyEnd = strings.end(i);
      if (keyEnd === -1) return undefined;
      const colon = skipWhitespace(b, keyEnd);
      if (b[colon] !== COLON) return undefined;
      i = skipWhitespace(b, colon + 1);
      if (depth === 1) {
        member = wanted.indexOf(bytes, text, keyStart, keyEnd);
        valueStart = i;
      }
      expectKey = false;
    }

    // A value starts at i.
    const c = b[i];
    if (c === QUOTE) {
      i = strings.end(i);
    } else if (c === OPEN_BRACE || c === OPEN_BRACKET) {
      if (depth === closers.length) {
        const grown = new Uint8Array(depth * 2);
        grown.set(closers);
        closers = grown;
      }
      const closer = c === OPEN_BRACE ? CLOSE_BRACE : CLOSE_BRACKET;
      closers[depth++] = closer;
      i = skipWhitespace(b, i + 1);
      if (b[i] !== closer) {
        expectKey = c === OPEN_BRACE;
        continue;
      }
      depth--;
      i++;
    } else if (c === 0x74) {
      i = literalEnd(b, i, "true");
    } else if (c === 0x66) {
      i = literalEnd(b, i, "false");
    } else if (c === 0x6e) {
      i = literalEnd(b, i, "null");
    } else {
      i = numberEnd(b, i);
    }
    if (i === -1) return undefined;

    // A value ended at i: what follows it, closing containers until the next value starts.
    for (;;) {
      if (depth === 1 && member !== -1) {
        spans[member] = { start: valueStart, end: i };
        member = -1;
      }
      i = skipWhitespace(b, i);
      if (depth === 0) return i === b.length ? spans : undefined;
      const closer = closers[depth - 1];
      if (b[i] === closer) {
        depth--;
        i++;
        continue;
      }
      if (b[i] !== COMMA) return undefined;
      i = skipWhitespace(b, i + 1);
      expectKey = closer === CLOSE_BRACE;
      break;
    }
  }
}
