/**
 * SQS accepts only #x9 | #xA | #xD | #x20–#xD7FF | #xE000–#xFFFD | #x10000–#x10FFFF in a body, and
 * its local emulator also refuses everything above U+FFFF. JSON text can only hold such characters
 * inside strings, where a `\uXXXX` escape means the same text: escaping U+FFFE, U+FFFF and every
 * astral character (as its surrogate pair) gives JSON that decodes identically and both accept.
 * Control characters never appear raw in valid JSON text.
 */
const REFUSED = /[\uD800-\uDBFF][\uDC00-\uDFFF]|[\uFFFE\uFFFF]/g;
const MAY_HOLD_REFUSED = /[\uD800-\uDFFF\uFFFE\uFFFF]/;

const escapeUnit = (unit: number) => `\\u${unit.toString(16).padStart(4, "0")}`;

export function toSqsSafeJson(json: string): string {
  if (!MAY_HOLD_REFUSED.test(json)) return json;
  return json.replace(REFUSED, (char) => {
    if (char.length === 1) return escapeUnit(char.charCodeAt(0));
    return escapeUnit(char.charCodeAt(0)) + escapeUnit(char.charCodeAt(1));
  });
}

// biome-ignore lint/suspicious/noControlCharactersInRegex: these are SQS's allowed characters, named exactly
const REFUSED_IN_ATTRIBUTE = /[^\x09\x0A\x0D\x20-\uD7FF\uE000-\uFFFD]/gu;

/**
 * A message attribute is plain text, not JSON, so there is no escape for a refused character:
 * it is replaced (with U+FFFD), and the value is cut to a length useful for filtering and tracing.
 * The envelope body keeps the exact value.
 */
export function toSqsSafeAttribute(value: string, maxLength = 256): string {
  return value.replace(REFUSED_IN_ATTRIBUTE, "\uFFFD").slice(0, maxLength);
}
