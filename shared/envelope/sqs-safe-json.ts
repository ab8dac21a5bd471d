/**
 * SQS accepts only #x9 | #xA | #xD | #x20–#xD7FF | #xE000–#xFFFD | #x10000–#x10FFFF in a body, and
 * its local emulator also refuses everything above U+FFFF. So both take a text whose UTF-16 code
 * units are all tab, line feed, carriage return, U+0020–U+D7FF or U+E000–U+FFFD, and no other:
 * every other unit (a surrogate, half of an astral character; U+FFFE; U+FFFF; a control
 * character) is written as its 6-character `\uXXXX` escape, which in JSON means the same text.
 */
const REFUSED_UNIT = "[^\\x09\\x0A\\x0D\\x20-\\uD7FF\\uE000-\\uFFFD]";
const REFUSED = new RegExp(REFUSED_UNIT);
const REFUSED_UNITS = new RegExp(REFUSED_UNIT, "g");

const escapeUnit = (unit: string) => `\\u${unit.charCodeAt(0).toString(16).padStart(4, "0")}`;

/** Whether both queues take `text` as it is, unescaped. */
export const isSqsSafeText = (text: string): boolean => !REFUSED.test(text);

/**
 * `json` (JSON text) with each refused unit escaped on its own, so it decodes to the same value: a
 * surrogate pair escaped unit by unit is the same character.
 */
export function toSqsSafeJson(json: string): string {
  return REFUSED.test(json) ? json.replace(REFUSED_UNITS, escapeUnit) : json;
}

/** Lead bytes of a 4-byte UTF-8 sequence (U+10000 and above), and U+FFFE and U+FFFF encoded. */
const ASTRAL_LEAD_BYTES = [0xf0, 0xf1, 0xf2, 0xf3, 0xf4];
const NONCHARACTERS = [Buffer.from("\uFFFE", "utf8"), Buffer.from("\uFFFF", "utf8")];

/**
 * `isSqsSafeText` on the text's UTF-8 encoding, for JSON text (whose only control characters are
 * tab, line feed and carriage return) that is well-formed: a few native byte searches instead of
 * a regular expression over every character.
 */
export const isSqsSafeUtf8 = (bytes: Buffer): boolean =>
  ASTRAL_LEAD_BYTES.every((lead) => bytes.indexOf(lead) === -1) &&
  NONCHARACTERS.every((sequence) => bytes.indexOf(sequence) === -1);

/** Any text as one both queues take: each refused unit escaped, and where each escape begins. */
export function escapeRefusedUnits(text: string): { escaped: string; escapedAt: number[] } {
  const escapedAt: number[] = [];
  const escaped = text.replace(REFUSED_UNITS, (unit: string, offset: number) => {
    escapedAt.push(offset + 5 * escapedAt.length);
    return escapeUnit(unit);
  });
  return { escaped, escapedAt };
}

const ESCAPE = /^\\u[0-9a-f]{4}$/;

/**
 * The text `escapeRefusedUnits` was given, from its result and the escapes' positions; undefined
 * when a position holds no escape of a refused unit (positions must increase).
 */
export function unescapeRefusedUnits(escaped: string, escapedAt: readonly unknown[]): string | undefined {
  let text = "";
  let from = 0;
  for (const at of escapedAt) {
    if (typeof at !== "number" || !Number.isInteger(at) || at < from) return undefined;
    const sequence = escaped.slice(at, at + 6);
    if (!ESCAPE.test(sequence)) return undefined;
    const unit = String.fromCharCode(Number.parseInt(sequence.slice(2), 16));
    if (!REFUSED.test(unit)) return undefined;
    text += escaped.slice(from, at) + unit;
    from = at + 6;
  }
  return text + escaped.slice(from);
}

/** Per character, not per unit, so an astral character is replaced by one U+FFFD. */
const REFUSED_CHARACTERS = new RegExp(REFUSED_UNIT, "gu");

/**
 * A message attribute is plain text, not JSON, so there is no escape for a refused character:
 * it is replaced (with U+FFFD), and the value is cut to a length useful for filtering and tracing.
 * The envelope body keeps the exact value.
 */
export function toSqsSafeAttribute(value: string, maxLength = 256): string {
  const safe = isSqsSafeText(value) ? value : value.replace(REFUSED_CHARACTERS, "\uFFFD");
  return safe.length > maxLength ? safe.slice(0, maxLength) : safe;
}
