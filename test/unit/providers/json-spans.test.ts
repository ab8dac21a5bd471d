import { describe, expect, it } from "vitest";
import { arrayMemberTexts } from "../../../shared/providers/json-spans";

const nested = (depth: number, inner = "1") => "[".repeat(depth) + inner + "]".repeat(depth);

describe("arrayMemberTexts", () => {
  it("gives each element's exact text, spacing and number spelling kept", () => {
    const json = '{ "messages" : [ {"a" : 1.50} ,\n\t12345678901234567890 , "x" ,null,[ ] ] }';
    expect(arrayMemberTexts(json, "messages")).toEqual([
      '{"a" : 1.50}',
      "12345678901234567890",
      '"x"',
      "null",
      "[ ]",
    ]);
  });

  it("is not fooled by brackets, braces, quotes and escapes inside strings", () => {
    const element = '{"s": "]}\\",[{\\\\", "t": "\\\\\\"", "u": "\\u005d"}';
    const json = `{"messages": [${element}, "\\\\"]}`;
    expect(JSON.parse(json).messages).toHaveLength(2);
    expect(arrayMemberTexts(json, "messages")).toEqual([element, '"\\\\"']);
  });

  it("finds the member among others, only at the top level", () => {
    const json = '{"meta": {"messages": [0]}, "list": ["messages"], "messages": [true], "z": 1}';
    expect(arrayMemberTexts(json, "messages")).toEqual(["true"]);
  });

  it("reads the member's name as JSON.parse does: escapes decoded, the last repetition wins", () => {
    expect(arrayMemberTexts('{"mess\\u0061ges": [1]}', "messages")).toEqual(["1"]);
    expect(arrayMemberTexts('{"messages": [1], "messages": [2, 3]}', "messages")).toEqual(["2", "3"]);
    // JSON.parse gives the last value, which is not an array: no texts either.
    expect(arrayMemberTexts('{"messages": [1], "messages": {}}', "messages")).toBeUndefined();
  });

  it("is undefined when there is no such array member", () => {
    expect(arrayMemberTexts("{}", "messages")).toBeUndefined();
    expect(arrayMemberTexts('{"messages": "[1]"}', "messages")).toBeUndefined();
    expect(arrayMemberTexts('{"other": [1]}', "messages")).toBeUndefined();
    expect(arrayMemberTexts('{"messages": []}', "messages")).toEqual([]);
  });

  it("keeps emoji, U+FFFE and non-ASCII text as written", () => {
    const element = '{"t":"🔥 \uFFFE 東京 \\ud83d\\udd25"}';
    expect(arrayMemberTexts(`{"messages":[${element}]}`, "messages")).toEqual([element]);
  });

  it("scans nesting far deeper than any recursive parser could, without overflowing", () => {
    const deep = nested(200_000);
    expect(arrayMemberTexts(`{"messages": [${deep}, ${nested(5_000, "{}")}]}`, "messages")).toEqual([
      deep,
      nested(5_000, "{}"),
    ]);
  });

  it("throws a SyntaxError, never loops, on text that is not JSON", () => {
    for (const text of [
      "",
      "[]",
      '{"messages": [1',
      '{"messages": ["x]}',
      '{"a" 1}',
      '{"messages": [1 2]}',
    ]) {
      expect(() => arrayMemberTexts(text, "messages"), text).toThrow(SyntaxError);
    }
  });
});
