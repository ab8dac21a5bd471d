import { describe, expect, it } from "vitest";
import { objectMemberSpans } from "../../../shared/providers/json-member-spans";

const spansOf = (text: string, names: readonly string[] = ["action"]) =>
  objectMemberSpans(Buffer.from(text, "utf8"), names);

/** The text of each named member's value, as the spans locate it. */
function memberTexts(text: string, names: readonly string[]): (string | undefined)[] | undefined {
  const bytes = Buffer.from(text, "utf8");
  return objectMemberSpans(bytes, names)?.map((span) => span && bytes.toString("utf8", span.start, span.end));
}

const parses = (text: string) => {
  try {
    JSON.parse(text);
    return true;
  } catch {
    return false;
  }
};

/** Refused by the scan, and by JSON.parse too: the scan is no stricter and no laxer. */
function expectRefused(text: string) {
  expect(spansOf(text), JSON.stringify(text)).toBeUndefined();
  expect(parses(text), JSON.stringify(text)).toBe(false);
}

function expectAccepted(text: string) {
  expect(spansOf(text), JSON.stringify(text)).toBeDefined();
  expect(parses(text), JSON.stringify(text)).toBe(true);
}

const nested = (depth: number, inner = "1") => "[".repeat(depth) + inner + "]".repeat(depth);

describe("objectMemberSpans", () => {
  it("locates each named top-level member's value exactly as written", () => {
    const text =
      '{ "n" : 12345678901234567890 , "action":"opened","o": {"action": 1, "x": [ 1.50 ]} , "e":{} }';
    expect(memberTexts(text, ["action", "o", "n", "e", "absent"])).toEqual([
      '"opened"',
      '{"action": 1, "x": [ 1.50 ]}',
      "12345678901234567890",
      "{}",
      undefined,
    ]);
  });

  it("finds members only at the top level, not in nested objects, arrays or strings", () => {
    expect(
      memberTexts('{"o": {"action": "nested"}, "a": ["action"], "s": "\\"action\\": 1"}', ["action"]),
    ).toEqual([undefined]);
  });

  it("reads member names as JSON.parse does: escapes decoded, the last repetition wins", () => {
    expect(memberTexts('{"\\u0061ction": "opened"}', ["action"])).toEqual(['"opened"']);
    expect(memberTexts('{"action": "opened", "action" : "closed"}', ["action"])).toEqual(['"closed"']);
    expect(memberTexts('{"café": 1, "🔥": 2}', ["🔥", "café"])).toEqual(["2", "1"]);
    // Names compared as their bytes: "é" is C3 A9, which as latin1 reads "Ã©", a name of its own.
    expect(memberTexts('{"Ã©": 1, "é": 2, "caf\u00e9": 3}', ["é", "Ã©", "café", "caf"])).toEqual([
      "2",
      "1",
      "3",
      undefined,
    ]);
  });

  it("refuses JSON text that is not an object", () => {
    for (const text of ["[]", '"s"', "1", "null", "true", " [ {} ] "]) {
      expect(spansOf(text), text).toBeUndefined();
      expect(parses(text)).toBe(true);
    }
    for (const text of ["", " ", "\n"]) expectRefused(text);
  });

  it("accepts every escape JSON has, lone surrogates included, and no other", () => {
    expectAccepted('{"s": "\\" \\\\ \\/ \\b \\f \\n \\r \\t \\u00e9 \\uD83D\\uDD25 \\uABCD \\uabcd"}');
    expectAccepted('{"lone": "\\uD800", "low": "\\uDFFF x"}');
    expectAccepted('{"s": "\\\\", "t": "\\\\\\"", "u": "a\\\\"}');
    for (const sequence of ["\\x41", "\\u12", "\\u12G4", "\\U0041", "\\a", "\\0", "\\'", "\\ ", "\\\u00e9"]) {
      expectRefused(`{"s": "${sequence}"}`);
    }
    expectRefused('{"s": "ends in a backslash\\');
    expectRefused('{"s": "\\"}');
  });

  it("refuses every raw control character in a string, and allows tab, CR and LF only between tokens", () => {
    for (let c = 0; c < 0x20; c++) {
      const control = String.fromCharCode(c);
      expectRefused(`{"s": "a${control}b"}`);
      expectRefused(`{"${control}": 1}`);
    }
    expectAccepted('{\n\t"s":\r\n "tab\\tand\\nline" ,\t"t" : [\n1\n]\r}');
    for (const c of [0x00, 0x0b, 0x0c, 0x1f]) expectRefused(`{"a":${String.fromCharCode(c)}1}`);
    // A line break before a string, then one inside the next: each string is checked on its own.
    expectRefused('{"a":\n"x",\n"b": "y\nz"}');
  });

  it("accepts numbers as JSON writes them, of any length, and refuses what it does not", () => {
    for (const n of [
      "0",
      "-0",
      "12345678901234567890123456789",
      "1.50",
      "-0.0e+0",
      "1E400",
      "0.1e-2",
      "2e5",
    ]) {
      expectAccepted(`{"n": ${n}}`);
      expectAccepted(`{"n": [${n}]}`);
    }
    expectAccepted(`{"n": ${"9".repeat(100_000)}}`);
    for (const n of [
      "01",
      "-",
      "+1",
      "1.",
      ".5",
      "1e",
      "1e+",
      "--1",
      "1.e5",
      "0x10",
      "Infinity",
      "NaN",
      "1_000",
    ]) {
      expectRefused(`{"n": ${n}}`);
    }
  });

  it("accepts the literals only as spelled", () => {
    expectAccepted('{"a": true, "b": false, "c": null}');
    for (const word of ["tru", "True", "nul", "fals", "nulll", "undefined", "truefalse"]) {
      expectRefused(`{"a": ${word}}`);
    }
  });

  it("refuses broken structure", () => {
    for (const text of [
      "{",
      "{}}",
      '{"a"}',
      '{"a" 1}',
      '{"a": 1,}',
      '{"a": 1 "b": 2}',
      '{,"a": 1}',
      '{"a": [1,]}',
      '{"a": [1 2]}',
      '{"a": [}',
      '{"a": {]}',
      '{"a": 1]',
      "{1: 2}",
      "{'a': 1}",
      '{"a": 1} x',
      '{"a": 1}{}',
      '{"a": "unterminated}',
      '{"a" : }',
    ]) {
      expectRefused(text);
    }
  });

  it("allows JSON's four whitespace characters only: no BOM, no-break space or other separator", () => {
    expectAccepted(' \t\r\n{ \t\r\n"a" \t\r\n: \t\r\n1 \t\r\n} \t\r\n');
    for (const space of ["\uFEFF", "\u00A0", "\u2028", "\u000B", "\u000C"]) {
      expectRefused(`${space}{"a": 1}`);
      expectRefused(`{"a":${space}1}`);
    }
  });

  it("keeps any UTF-8 character in strings and refuses one outside them", () => {
    expect(memberTexts('{"action": "🔥 café \uFFFE 東京 \u2028"}', ["action"])).toEqual([
      '"🔥 café \uFFFE 東京 \u2028"',
    ]);
    expectRefused('{"a": é}');
    expectRefused('{"a": 1🔥}');
  });

  it("scans nesting far deeper than any recursive parser could, without overflowing", () => {
    const deep = `{"a": ${nested(200_000, nested(3, "{}"))}, "action": "x"}`;
    expect(memberTexts(deep, ["action"])).toEqual(['"x"']);
    expectRefused(`{"a": ${nested(200_000).slice(0, -1)}}`);
    expectRefused(`{"a": ${"{".repeat(100_000)}}`);
  });
});
