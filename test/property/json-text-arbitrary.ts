/**
 * JSON text as senders write it rather than as JSON.stringify would: random whitespace between
 * tokens, strings with `\uXXXX` escapes where a plain character would do, numbers spelled beyond
 * what a double keeps (`12345678901234567890`, `1.50`, `-0.0e+0`), emoji and noncharacters. Any
 * re-serialisation changes such text, so a property over it fails if anything re-serialises.
 */
import fc from "fast-check";

export const whitespace = fc.string({ unit: fc.constantFrom(" ", "\t", "\n", "\r"), maxLength: 3 });

/** A string with every UTF-16 unit written as `\uXXXX`: the same string, spelled differently. */
const escapeEvery = (s: string) =>
  `"${s
    .split("")
    .map((unit) => `\\u${unit.charCodeAt(0).toString(16).padStart(4, "0")}`)
    .join("")}"`;

const characters = fc.oneof(
  fc.string({ maxLength: 8 }),
  fc.string({ unit: "binary", maxLength: 8 }),
  fc.constantFrom('"', "\\", "]}", "🔥", "\uFFFE\uFFFF", "𝄞", "東京"),
);

/** The text of a JSON string. */
export const stringText = fc.oneof(
  characters.map((s) => JSON.stringify(s)),
  characters.map(escapeEvery),
);

const numberText = fc.oneof(
  fc.integer().map(String),
  fc.bigInt({ min: -(10n ** 30n), max: 10n ** 30n }).map(String),
  fc.double({ noNaN: true, noDefaultInfinity: true }).map((d) => JSON.stringify(d)),
  fc.constantFrom("1.50", "-0.0e+0", "1E400", "0.1e-2"),
);

const scalarText = fc.oneof(stringText, numberText, fc.constantFrom("true", "false", "null"));

const spaced = (text: fc.Arbitrary<string>) =>
  fc.tuple(whitespace, text, whitespace).map(([before, t, after]) => before + t + after);

const { value } = fc.letrec<{ value: string; array: string; object: string }>((tie) => ({
  value: fc.oneof({ depthSize: "small", withCrossShrink: true }, scalarText, tie("array"), tie("object")),
  array: fc
    .tuple(fc.array(spaced(tie("value")), { maxLength: 4 }), whitespace)
    .map(([items, empty]) => `[${items.length > 0 ? items.join(",") : empty}]`),
  object: fc
    .tuple(fc.array(fc.tuple(spaced(stringText), spaced(tie("value"))), { maxLength: 4 }), whitespace)
    .map(([members, empty]) =>
      members.length > 0 ? `{${members.map(([k, v]) => `${k}:${v}`).join(",")}}` : `{${empty}}`,
    ),
}));

/** The text of any JSON value, written as a sender might. */
export const jsonValueText = value;

/** The text of a JSON object with at least one member, written as a sender might. */
export const jsonObjectText = fc
  .tuple(whitespace, fc.array(fc.tuple(spaced(stringText), spaced(value)), { minLength: 1, maxLength: 5 }))
  .map(([before, members]) => `${before}{${members.map(([k, v]) => `${k}:${v}`).join(",")}}`);
