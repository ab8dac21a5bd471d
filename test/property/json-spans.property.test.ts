/**
 * arrayMemberTexts over random JSON text written with arbitrary spacing and escapes: each element's
 * text is exactly the one written (a substring of the body, spacing inside it kept) and parses to
 * the element JSON.parse finds in the whole body.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { arrayMemberTexts } from "../../shared/providers/json-spans";
import { jsonValueText, stringText, whitespace } from "./json-text-arbitrary";

const otherMember = fc
  .tuple(stringText, whitespace, jsonValueText)
  .filter(([key]) => JSON.parse(key) !== "messages")
  .map(([key, space, value]) => `${key}${space}:${value}`);

/** A body whose `messages` array holds `elements`, among other members on either side. */
const bodies = fc
  .record({
    elements: fc.array(fc.tuple(whitespace, jsonValueText, whitespace), { maxLength: 6 }),
    before: fc.array(otherMember, { maxLength: 3 }),
    after: fc.array(otherMember, { maxLength: 3 }),
    emptySpace: whitespace,
    key: fc.constantFrom('"messages"', '"\\u006dessages"', '"messag\\u0065s"'),
  })
  .map(({ elements, before, after, emptySpace, key }) => {
    const array = elements.length
      ? elements.map(([lead, text, trail]) => lead + text + trail).join(",")
      : emptySpace;
    const members = [...before, `${key} : [${array}]`, ...after];
    return { body: ` {${members.join(" ,\n")}} `, elements: elements.map(([, text]) => text) };
  });

describe("arrayMemberTexts (property)", () => {
  it("gives each element's text exactly as written, parsing to the element JSON.parse finds", () => {
    fc.assert(
      fc.property(bodies, ({ body, elements }) => {
        const texts = arrayMemberTexts(body, "messages");
        expect(texts).toEqual(elements);
        const parsed = JSON.parse(body).messages as unknown[];
        expect(texts!.map((text) => JSON.parse(text))).toEqual(parsed);
        for (const text of texts!) expect(body).toContain(text);
      }),
      { numRuns: 500 },
    );
  });

  it("finds nothing in an object without the member, whatever its other members hold", () => {
    fc.assert(
      fc.property(fc.array(otherMember, { maxLength: 5 }), (members) => {
        expect(arrayMemberTexts(`{${members.join(",")}}`, "messages")).toBeUndefined();
      }),
    );
  });
});
