import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  escapeRefusedUnits,
  escapeRefusedUtf8,
  isSqsSafeJson,
  isSqsSafeText,
  toSqsSafeAttribute,
  toSqsSafeJson,
  unescapeRefusedUnits,
} from "../../../shared/envelope/sqs-safe-json";

// What SQS accepts in a body, and what fauxqs accepts (the same without the astral range).
// biome-ignore lint/suspicious/noControlCharactersInRegex: SQS's allowed characters, named exactly
const FAUXQS_REFUSES = /[^\x09\x0A\x0D\x20-\uD7FF\uE000-\uFFFD]/;

describe("toSqsSafeJson", () => {
  it("escapes U+FFFE, U+FFFF and astral characters so the JSON decodes to the same text", () => {
    const value = { text: "a\uFFFEb\uFFFFc 🔥 𝄞 \u{10FFFF}", plain: "é ☃ \u2028" };
    const json = JSON.stringify(value);
    const safe = toSqsSafeJson(json);
    expect(safe).not.toMatch(FAUXQS_REFUSES);
    expect(JSON.parse(safe)).toEqual(value);
    expect(safe).toContain("\\ufffe");
    expect(safe).toContain("\\uffff");
    expect(safe).toContain("\\ud83d\\udd25");
  });

  it("leaves text SQS accepts untouched", () => {
    const json = JSON.stringify({ text: "plain ascii, é, ☃, \uE000, \uFFFD" });
    expect(toSqsSafeJson(json)).toBe(json);
  });

  it("works after an escaped backslash", () => {
    const value = { s: "\\🔥" };
    expect(JSON.parse(toSqsSafeJson(JSON.stringify(value)))).toEqual(value);
  });
});

describe("toSqsSafeAttribute", () => {
  it("replaces refused characters with U+FFFD and cuts to the length limit", () => {
    expect(toSqsSafeAttribute("ok\u0000🔥\uFFFE")).toBe("ok\uFFFD\uFFFD\uFFFD");
    expect(toSqsSafeAttribute("x".repeat(300))).toHaveLength(256);
    expect(toSqsSafeAttribute("abc", 2)).toBe("ab");
  });

  it("keeps an ordinary value as is", () => {
    expect(toSqsSafeAttribute("72d3162e-cc78-11e3-81ab-4c9367dc0958")).toBe(
      "72d3162e-cc78-11e3-81ab-4c9367dc0958",
    );
  });
});

describe("isSqsSafeText and isSqsSafeJson", () => {
  it.each([
    ["ASCII JSON with line breaks and tabs", '{\n\t"a": 1\r\n}', true],
    ["accents, symbols and the last BMP characters allowed", "é ☃ \uE000 \uFFFD \u2028", true],
    ["an astral character", "🔥", false],
    ["U+FFFE", "a\uFFFE", false],
    ["U+FFFF", "\uFFFFb", false],
  ])("agree on %s", (_, text, safe) => {
    expect(isSqsSafeText(text)).toBe(safe);
    expect(isSqsSafeJson(text)).toBe(safe);
    expect(escapeRefusedUtf8(text, Buffer.from(text, "utf8")).escapedAt.length === 0).toBe(safe);
    expect(FAUXQS_REFUSES.test(text)).toBe(!safe);
  });

  it("refuse, on text, what no JSON text holds raw: control characters and lone surrogates", () => {
    expect(isSqsSafeText("a\u0000b")).toBe(false);
    expect(isSqsSafeText("a\uD800b")).toBe(false);
    expect(isSqsSafeJson("a\uD800b")).toBe(false);
  });

  it("agree on any JSON text, whatever characters its strings hold", () => {
    fc.assert(
      fc.property(fc.jsonValue({ maxDepth: 3 }), fc.string({ unit: "binary" }), (value, text) => {
        for (const json of [JSON.stringify(value), JSON.stringify({ text })]) {
          expect(isSqsSafeJson(json)).toBe(isSqsSafeText(json));
        }
      }),
    );
  });
});

/** JSON text holding any characters raw, as a sender may write them (JSON.stringify escapes lone surrogates). */
const rawJsonText = fc
  .array(
    fc.oneof(fc.string({ unit: "grapheme" }), fc.constantFrom("\uFFFE", "\uFFFF", "🔥", "\u{10FFFF}", "é")),
  )
  // biome-ignore lint/suspicious/noControlCharactersInRegex: what JSON text may not hold raw
  .map((parts) => `{"text":"${parts.join("").replace(/["\\\u0000-\u001f]/g, "")}"}`);

describe("escapeRefusedUtf8", () => {
  it("escapes exactly as escapeRefusedUnits does, given the text's UTF-8 bytes", () => {
    fc.assert(
      fc.property(rawJsonText, (json) => {
        JSON.parse(json);
        expect(escapeRefusedUtf8(json, Buffer.from(json, "utf8"))).toEqual(escapeRefusedUnits(json));
      }),
    );
  });

  it.each([
    ["nothing to escape", '{"a":"é ☃ \uFFFD"}'],
    [
      "astral characters of every lead byte, U+FFFE and U+FFFF",
      '["🔥\u{40000}\u{80000}\u{C0000}\u{10FFFF}","\uFFFE","\uFFFF🔥"]',
    ],
  ])("%s", (_, json) => {
    const { escaped, escapedAt } = escapeRefusedUtf8(json, Buffer.from(json, "utf8"));
    expect(escaped).not.toMatch(FAUXQS_REFUSES);
    expect({ escaped, escapedAt }).toEqual(escapeRefusedUnits(json));
    expect(unescapeRefusedUnits(escaped, escapedAt)).toBe(json);
  });
});

describe("escapeRefusedUnits", () => {
  it.each([
    ["nothing to escape", '{"a":"é ☃"}'],
    ["astral characters, U+FFFE and U+FFFF", "🔥 a\uFFFEb\uFFFF 𝄞"],
    ["a lone surrogate and a control character", "x\uD800y\u0001z"],
    ["escapes the sender wrote, beside ones made here", "\\ud83d\\udd25🔥\\u0000"],
  ])("gives text both queues take that unescapes to the input exactly: %s", (_, text) => {
    const { escaped, escapedAt } = escapeRefusedUnits(text);
    expect(escaped).not.toMatch(FAUXQS_REFUSES);
    expect(escapedAt.map((at) => escaped.slice(at, at + 2))).toEqual(escapedAt.map(() => "\\u"));
    expect(unescapeRefusedUnits(escaped, escapedAt)).toBe(text);
  });

  it("leaves the text as it is when nothing is refused", () => {
    expect(escapeRefusedUnits('{"a": 1}')).toEqual({ escaped: '{"a": 1}', escapedAt: [] });
  });
});
