/**
 * DynamoDB's own size rules, applied to items in their wire (marshalled) form, as the proxy sees
 * them: https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/CapacityUnitCalculations.html
 */

/** One marshalled attribute value (`{"S": "…"}`, `{"M": {…}}`, …). */
export type AttributeValue = Record<string, unknown>;
export type Item = Record<string, AttributeValue>;

const utf8 = (text: string) => Buffer.byteLength(text, "utf8");

/** About 1 byte per two significant digits plus 1 (leading and trailing zeroes trimmed). */
function numberSize(text: string): number {
  const digits = text
    .replace(/^[-+]/, "")
    .replace(/[eE].*$/, "")
    .replace(".", "")
    .replace(/^0+/, "")
    .replace(/0+$/, "");
  return Math.ceil(Math.max(digits.length, 1) / 2) + 1;
}

/** Base64 on the wire; the SDK hands the bytes themselves. */
const binarySize = (value: unknown) =>
  value instanceof Uint8Array ? value.length : Buffer.from(value as string, "base64").length;

/** The size of a value without its attribute name. */
export function valueSize(value: AttributeValue): number {
  const [type, content] = Object.entries(value)[0] ?? ["NULL", true];
  switch (type) {
    case "S":
      return utf8(content as string);
    case "N":
      return numberSize(content as string);
    case "B":
      return binarySize(content);
    case "BOOL":
    case "NULL":
      return 1;
    case "SS":
      return (content as string[]).reduce((sum, s) => sum + utf8(s), 0);
    case "NS":
      return (content as string[]).reduce((sum, n) => sum + numberSize(n), 0);
    case "BS":
      return (content as unknown[]).reduce((sum: number, b) => sum + binarySize(b), 0);
    // 3 bytes for the container, 1 more per element.
    case "L":
      return 3 + (content as AttributeValue[]).reduce((sum, v) => sum + valueSize(v) + 1, 0);
    case "M":
      return 3 + Object.entries(content as Item).reduce((sum, [k, v]) => sum + utf8(k) + valueSize(v) + 1, 0);
    default:
      throw new Error(`unknown DynamoDB attribute type ${type}`);
  }
}

/** Sum of every attribute's name and value sizes. */
export function itemSize(item: Item): number {
  return Object.entries(item).reduce((sum, [name, value]) => sum + utf8(name) + valueSize(value), 0);
}

/** Storage adds 100 bytes of indexing overhead to every item (table and index entries alike). */
export const STORAGE_OVERHEAD_BYTES = 100;

/** Write request units for one write of an item this size: 1 per KB started, at least 1. */
export const writeUnits = (bytes: number, transactional = false) =>
  Math.max(1, Math.ceil(bytes / 1024)) * (transactional ? 2 : 1);

/** Read request units for reading this many bytes: 1 per 4 KB started, at least 1; half if eventually consistent. */
export function readUnits(bytes: number, consistency: "eventual" | "strong" | "transactional"): number {
  const blocks = Math.max(1, Math.ceil(bytes / 4096));
  return consistency === "eventual" ? blocks / 2 : consistency === "strong" ? blocks : blocks * 2;
}
