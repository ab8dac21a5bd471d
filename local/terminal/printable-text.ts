import { stripVTControlCharacters } from "node:util";

/**
 * Text a sender controls (event types, reasons, problems quoting a header) is printed to a
 * terminal: escape sequences could move the cursor, clear the screen or retitle the window, and
 * newlines or megabytes could forge or bury lines. What reaches the terminal is printable only.
 */

/** DEL, the C1 controls, and the invisible marks that hide or reorder text (zero-width, bidi). */
const INVISIBLE = String.raw`\u007f-\u009f\u200b-\u200f\u2028-\u202e\u2060-\u2069\ufeff`;
/** Those and the C0 controls (newlines, tabs, escape). */
const UNPRINTABLE = new RegExp(String.raw`[\u0000-\u001f${INVISIBLE}]+`, "g");
/** The same, tabs spared: a line passed through keeps its layout. */
const UNPRINTABLE_IN_LINE = new RegExp(String.raw`[\u0000-\u0008\u000a-\u001f${INVISIBLE}]+`, "g");

/** At most `max` characters, the last an ellipsis when cut (never half a surrogate pair). */
function capped(text: string, max: number): string {
  if (text.length <= max) return text;
  let end = max - 1;
  const last = text.charCodeAt(end - 1);
  if (last >= 0xd800 && last <= 0xdbff) end -= 1;
  return `${text.slice(0, end)}…`;
}

/** A field's value on one line: escape sequences dropped, other controls as one space, trimmed, capped. */
export function printableField(text: string, max: number): string {
  return capped(stripVTControlCharacters(text).replace(UNPRINTABLE, " ").trim(), max);
}

/** A whole line printed as it came (indentation and tabs kept), only made printable and capped. */
export function printableLine(line: string, max: number): string {
  return capped(stripVTControlCharacters(line).replace(UNPRINTABLE_IN_LINE, " "), max);
}
