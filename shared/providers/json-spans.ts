/**
 * The exact source text of values inside a JSON body, for bodies that hold several events (PagerDuty
 * V2 `messages`): each event is queued as the sender wrote it, not re-serialised. A scanner over
 * tokens rather than a parser, and iterative, so no nesting depth can overflow the stack.
 *
 * The text must be JSON that `JSON.parse` accepts (callers parse it first); the scanner relies on
 * that and does not validate, but never loops forever or reads past the end of malformed text.
 */

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const COMMA = 0x2c;
const COLON = 0x3a;
const OPEN_BRACE = 0x7b;
const CLOSE_BRACE = 0x7d;
const OPEN_BRACKET = 0x5b;
const CLOSE_BRACKET = 0x5d;

const isWhitespace = (c: number) => c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09;

function skipWhitespace(text: string, from: number): number {
  let i = from;
  while (i < text.length && isWhitespace(text.charCodeAt(i))) i++;
  return i;
}

function expectChar(text: string, at: number, code: number): void {
  if (text.charCodeAt(at) !== code) {
    throw new SyntaxError(`not JSON text: expected ${String.fromCharCode(code)} at character ${at}`);
  }
}

/** The index just past the string whose opening quote is at `start`. */
function stringEnd(text: string, start: number): number {
  expectChar(text, start, QUOTE);
  let from = start + 1;
  for (;;) {
    const quote = text.indexOf('"', from);
    if (quote === -1) throw new SyntaxError(`not JSON text: unterminated string at character ${start}`);
    // A quote preceded by an odd run of backslashes is escaped; each run is counted once.
    let backslashes = 0;
    while (text.charCodeAt(quote - 1 - backslashes) === BACKSLASH) backslashes++;
    if (backslashes % 2 === 0) return quote + 1;
    from = quote + 1;
  }
}

/** The index just past the number, `true`, `false` or `null` starting at `start`. */
function scalarEnd(text: string, start: number): number {
  let i = start;
  while (i < text.length) {
    const c = text.charCodeAt(i);
    if (c === COMMA || c === CLOSE_BRACKET || c === CLOSE_BRACE || isWhitespace(c)) break;
    i++;
  }
  return i;
}

/** The index just past the value starting at `start`, however deeply nested. */
function valueEnd(text: string, start: number): number {
  const first = text.charCodeAt(start);
  if (first === QUOTE) return stringEnd(text, start);
  if (first !== OPEN_BRACE && first !== OPEN_BRACKET) return scalarEnd(text, start);
  // Inside a container only strings need care: a bracket or brace in one is not structure.
  let depth = 0;
  let i = start;
  while (i < text.length) {
    const c = text.charCodeAt(i);
    if (c === QUOTE) {
      i = stringEnd(text, i);
      continue;
    }
    if (c === OPEN_BRACE || c === OPEN_BRACKET) depth++;
    else if ((c === CLOSE_BRACE || c === CLOSE_BRACKET) && --depth === 0) return i + 1;
    i++;
  }
  throw new SyntaxError(`not JSON text: the value at character ${start} is not closed`);
}

/** The text of each element of the array opening at `open`, and the index just past it. */
function elementTexts(text: string, open: number): { texts: string[]; end: number } {
  const texts: string[] = [];
  let i = skipWhitespace(text, open + 1);
  if (text.charCodeAt(i) === CLOSE_BRACKET) return { texts, end: i + 1 };
  for (;;) {
    const end = valueEnd(text, i);
    texts.push(text.slice(i, end));
    i = skipWhitespace(text, end);
    if (text.charCodeAt(i) === CLOSE_BRACKET) return { texts, end: i + 1 };
    expectChar(text, i, COMMA);
    i = skipWhitespace(text, i + 1);
  }
}

/** A member name as JSON.parse reads it: `"mess\u0061ges"` is `messages`. */
function keyOf(text: string, start: number, end: number): string {
  const raw = text.slice(start + 1, end - 1);
  return raw.includes("\\") ? (JSON.parse(text.slice(start, end)) as string) : raw;
}

/**
 * The exact source text of each element of `member`, an array member of the object `json` holds
 * (original spacing and escapes kept), or undefined when the object has no such array. A repeated
 * member counts as JSON.parse counts it: the last one wins.
 */
export function arrayMemberTexts(json: string, member: string): string[] | undefined {
  let i = skipWhitespace(json, 0);
  expectChar(json, i, OPEN_BRACE);
  i = skipWhitespace(json, i + 1);
  if (json.charCodeAt(i) === CLOSE_BRACE) return undefined;
  let found: string[] | undefined;
  for (;;) {
    const keyEnd = stringEnd(json, i);
    const key = keyOf(json, i, keyEnd);
    i = skipWhitespace(json, keyEnd);
    expectChar(json, i, COLON);
    i = skipWhitespace(json, i + 1);
    if (key === member && json.charCodeAt(i) === OPEN_BRACKET) {
      const array = elementTexts(json, i);
      found = array.texts;
      i = array.end;
    } else {
      if (key === member) found = undefined;
      i = valueEnd(json, i);
    }
    i = skipWhitespace(json, i);
    if (json.charCodeAt(i) === CLOSE_BRACE) return found;
    expectChar(json, i, COMMA);
    i = skipWhitespace(json, i + 1);
  }
}
