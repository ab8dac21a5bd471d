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

/**
 * The units refused in JSON text, which holds no raw control character but tab, line feed and
 * carriage return (JSON.stringify escapes the others, JSON.parse refuses them): surrogates, U+FFFE
 * and U+FFFF. No one-byte (Latin-1) string holds one, so V8 answers the test on such a string
 * without reading it, where the full set above is checked character by character.
 */
const JSON_REFUSED_UNIT = "[\\uD800-\\uDFFF\\uFFFE\\uFFFF]";
const JSON_REFUSED = new RegExp(JSON_REFUSED_UNIT);
const JSON_REFUSED_UNITS = new RegExp(JSON_REFUSED_UNIT, "g");

const escapeCode = (code: number) => `\\u${code.toString(16).padStart(4, "0")}`;
const escapeUnit = (unit: string) => escapeCode(unit.charCodeAt(0));

/** Whether both queues take `text` as it is, unescaped. */
export const isSqsSafeText = (text: string): boolean => !REFUSED.test(text);

/** `isSqsSafeText` for JSON text. */
export const isSqsSafeJson = (json: string): boolean => !JSON_REFUSED.test(json);

/**
 * `json` (JSON text) with each refused unit escaped on its own, so it decodes to the same value: a
 * surrogate pair escaped unit by unit is the same character.
 */
export function toSqsSafeJson(json: string): string {
  return JSON_REFUSED.test(json) ? json.replace(JSON_REFUSED_UNITS, escapeUnit) : json;
}

/** Lead bytes of a 4-byte UTF-8 sequence (U+10000 and above), and U+FFFE and U+FFFF encoded. */
const ASTRAL_LEAD_BYTES = [0xf0, 0xf1, 0xf2, 0xf3, 0xf4];
const NONCHARACTERS = [Buffer.from("\uFFFE", "utf8"), Buffer.from("\uFFFF", "utf8")];

/** Where each of `sequence`'s occurrences in `bytes` begins, added to `into`. */
function occurrences(bytes: Buffer, sequence: number | Buffer, into: number[]): void {
  const length = typeof sequence === "number" ? 1 : sequence.length;
  for (let at = bytes.indexOf(sequence); at !== -1; at = bytes.indexOf(sequence, at + length)) into.push(at);
}

/**
 * `escapeRefusedUnits(text)`, given `bytes`, the UTF-8 encoding of `text`, which is well-formed
 * JSON text (so its refused units are the halves of astral characters, U+FFFE and U+FFFF): native
 * byte searches find them, then each is found in the text itself from the one before (they come in
 * the same order in both), and the escaped text is joined from slices of `text`. No regular
 * expression reads every character (2–3 times as long on a 1 KB body with one emoji), and no byte
 * is decoded again (decoding the bytes between the escapes cost as much as the searches together).
 */
export function escapeRefusedUtf8(text: string, bytes: Buffer): { escaped: string; escapedAt: number[] } {
  const found: number[] = [];
  for (const lead of ASTRAL_LEAD_BYTES) occurrences(bytes, lead, found);
  for (const sequence of NONCHARACTERS) occurrences(bytes, sequence, found);
  if (found.length === 0) return { escaped: text, escapedAt: [] };
  if (found.length > 1) found.sort((a, b) => a - b);
  const escapedAt: number[] = [];
  let escaped = "";
  let from = 0;
  for (const at of found) {
    const lead = bytes[at]!;
    // EF BF BE or EF BF BF: U+FFFE or U+FFFF; else a 4-byte sequence, an astral character.
    const code =
      lead === 0xef
        ? 0xfffc | (bytes[at + 2]! & 0x03)
        : ((lead & 0x07) << 18) |
          ((bytes[at + 1]! & 0x3f) << 12) |
          ((bytes[at + 2]! & 0x3f) << 6) |
          (bytes[at + 3]! & 0x3f);
    const character = String.fromCodePoint(code);
    const index = text.indexOf(character, from);
    escaped += text.slice(from, index);
    for (let unit = 0; unit < character.length; unit++) {
      escapedAt.push(escaped.length);
      escaped += escapeCode(character.charCodeAt(unit));
    }
    from = index + character.length;
  }
  escaped += text.slice(from);
  return { escaped, escapedAt };
}

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
