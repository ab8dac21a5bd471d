/**
 * objectMemberSpans against JSON.parse itself, on JSON written as senders write it, on that JSON
 * mutated, truncated and spliced, and on garbage over JSON's own characters: the scan accepts exactly
 * what JSON.parse accepts as an object, and each span holds the text of the member JSON.parse keeps.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { objectMemberSpans } from "../../shared/providers/json-member-spans";
import { jsonObjectText, jsonValueText, stringText, whitespace } from "./json-text-arbitrary";

/** The names looked for, each also spelled with an escape in the texts. */
const NAMES = ["action", "a", "", "é", "🔥"];
const nameText = fc.oneof(
  fc.constantFrom(...NAMES).map((name) => JSON.stringify(name)),
  fc.constantFrom('"\\u0061ction"', '"\\u0061"', '"\\u00e9"', '"\\ud83d\\udd25"', '"actio\\u006E"'),
  stringText,
);

/** An object whose members often have the names looked for, repeated and nested. */
const objectText = fc
  .tuple(
    whitespace,
    fc.array(fc.tuple(nameText, whitespace, whitespace, fc.oneof(jsonValueText, jsonObjectText)), {
      maxLength: 6,
    }),
    whitespace,
  )
  .map(([before, members, after]) =>
    members.length === 0
      ? `${before}{${after}}`
      : `${before}{${members.map(([k, s1, s2, v]) => `${k}${s1}:${s2}${v}`).join(",")}}${after}`,
  );

/** The characters JSON is made of, and some it refuses: what mutations and garbage are drawn from. */
const jsonCharacter = fc.constantFrom(
  ...'{}[]:,"\\/ \t\n\r0123456789-+.eEtruefalsnbu',
  "\u0000",
  "\u001f",
  "\u007f",
  "é",
  "🔥",
  "\u2028",
  "\uFEFF",
  "\u00A0",
  "\\u",
  "\\uD800",
  "\\x",
);

type Edit = { at: number; kind: "delete" | "insert" | "replace" | "truncate"; text: string };
const edits = fc.array(
  fc.record({
    at: fc.nat(),
    kind: fc.constantFrom("delete", "insert", "replace", "truncate"),
    text: fc.string({ unit: jsonCharacter, minLength: 1, maxLength: 3 }),
  }),
  { minLength: 1, maxLength: 3 },
);

function applyEdits(text: string, list: Edit[]): string {
  // Code points, so an edit never splits an emoji into lone surrogates the UTF-8 bytes cannot hold.
  let points = [...text];
  for (const { at, kind, text: inserted } of list) {
    const i = points.length === 0 ? 0 : at % (points.length + 1);
    if (kind === "delete") points.splice(i, 1);
    else if (kind === "insert") points.splice(i, 0, ...inserted);
    else if (kind === "replace") points.splice(i, inserted.length, ...inserted);
    else points = points.slice(0, i);
  }
  return points.join("");
}

const deep = fc
  .tuple(fc.integer({ min: 1, max: 3000 }), fc.constantFrom("[]", "{}", "[{}]", '{"a":[]}'), fc.boolean())
  .map(([depth, pair, closed]) => {
    const open = pair.slice(0, pair.length / 2).repeat(depth);
    const close = pair.slice(pair.length / 2).repeat(depth);
    const inner = open.endsWith("{") ? `"k":1${close}` : `1${close}`;
    return `{"action": "x", "d": ${open}${closed ? inner : inner.slice(1)}}`;
  });

const hugeNumber = fc
  .tuple(
    fc.constantFrom("", "-"),
    fc.stringMatching(/^(0|[1-9][0-9]{0,400})$/),
    fc.constantFrom("", ".5", "e999", "E-7", ".0e+0"),
  )
  .map(([sign, digits, tail]) => `{"n": ${sign}${digits}${tail}, "action": ${sign}${digits}${tail}}`);

/** The verdict JSON.parse gives on the text the bytes decode to, as ingest would decode them. */
function expectAgreement(text: string) {
  const bytes = Buffer.from(text, "utf8");
  const decoded = bytes.toString("utf8");
  let parsed: unknown;
  let valid = true;
  try {
    parsed = JSON.parse(decoded);
  } catch {
    valid = false;
  }
  const isObject = valid && typeof parsed === "object" && parsed !== null && !Array.isArray(parsed);
  const spans = objectMemberSpans(bytes, NAMES);
  expect(spans !== undefined, decoded).toBe(isObject);
  if (!spans) return;
  const object = parsed as Record<string, unknown>;
  NAMES.forEach((name, i) => {
    const span = spans[i];
    expect(span !== undefined, `${name} in ${decoded}`).toBe(Object.hasOwn(object, name));
    if (span) expect(JSON.parse(bytes.toString("utf8", span.start, span.end))).toEqual(object[name]);
  });
}

describe("objectMemberSpans (property, against JSON.parse)", () => {
  it("accepts every object as senders write it, each span holding the member JSON.parse keeps", () => {
    fc.assert(fc.property(objectText, expectAgreement), { numRuns: 1000 });
  });

  it("agrees with JSON.parse on mutated, truncated and spliced objects", () => {
    fc.assert(
      fc.property(objectText, edits, (text, list) => expectAgreement(applyEdits(text, list))),
      { numRuns: 3000 },
    );
  });

  it("agrees with JSON.parse on garbage made of JSON's characters", () => {
    fc.assert(
      fc.property(fc.string({ unit: jsonCharacter, maxLength: 40 }), (garbage) => {
        expectAgreement(garbage);
        expectAgreement(`{${garbage}}`);
        expectAgreement(`{"a":${garbage}}`);
        expectAgreement(`{"a":"${garbage}"}`);
      }),
      { numRuns: 3000 },
    );
  });

  it("agrees with JSON.parse on any value inside an object, and on values that are not objects", () => {
    fc.assert(
      fc.property(jsonValueText, (value) => {
        expectAgreement(value);
        expectAgreement(`{"action":${value}}`);
      }),
      { numRuns: 1000 },
    );
  });

  it("agrees with JSON.parse on deep nesting, closed or not, and on numbers of any length", () => {
    fc.assert(fc.property(deep, expectAgreement), { numRuns: 100 });
    fc.assert(fc.property(hugeNumber, expectAgreement), { numRuns: 300 });
  });

  it("agrees with JSON.parse on every escape and every character after a backslash", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 0x7f }),
        fc.string({ unit: "grapheme-ascii", maxLength: 5 }),
        (c, tail) => {
          expectAgreement(`{"action": "\\${String.fromCharCode(c)}${tail}"}`);
        },
      ),
      { numRuns: 1000 },
    );
  });
});
