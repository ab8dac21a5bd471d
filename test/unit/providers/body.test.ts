import { describe, expect, it, vi } from "vitest";
import {
  bodyFormat,
  contentDeliveryKey,
  pick,
  readForm,
  readFormPayloadField,
  readJsonBody,
  readJsonBodyMembers,
  readJsonObject,
  str,
  withPayloadParsedOnRead,
} from "../../../shared/providers/body";
import { apiGatewayEvent, toWebhookRequest } from "../../support/signed-requests";

const withContentType = (contentType?: string, body = "") =>
  toWebhookRequest(
    apiGatewayEvent({
      path: "/x",
      headers: contentType === undefined ? {} : { "content-type": contentType },
      body,
    }),
  );

describe("bodyFormat", () => {
  it("recognises JSON (with parameters and +json) and forms", () => {
    expect(bodyFormat(withContentType("application/json; charset=utf-8"), ["json"])).toBe("json");
    expect(bodyFormat(withContentType("application/vnd.pagerduty+json"), ["json"])).toBe("json");
    expect(bodyFormat(withContentType("application/x-www-form-urlencoded"), ["json", "form"])).toBe("form");
  });

  it("gives 415 naming what the route accepts", () => {
    expect(bodyFormat(withContentType("application/x-www-form-urlencoded"), ["json"])).toEqual({
      kind: "invalid",
      statusCode: 415,
      problem: "unsupported Content-Type application/x-www-form-urlencoded: send application/json",
    });
    expect(bodyFormat(withContentType(undefined), ["json", "form"])).toEqual({
      kind: "invalid",
      statusCode: 415,
      problem:
        "the Content-Type header is missing: send application/json or application/x-www-form-urlencoded",
    });
  });
});

describe("readJsonObject", () => {
  it("keeps the text as received", () => {
    const text = '{ "a" : 1,\n "b": "é" }';
    expect(readJsonObject(text)).toEqual({ ok: true, value: { a: 1, b: "é" }, text });
  });

  it.each([
    ["", /is empty/],
    ["  \n", /is empty/],
    ["{", /not valid JSON/],
    ["null", /must be a JSON object/],
    ['"s"', /must be a JSON object/],
    ["[]", /must be a JSON object/],
  ])("refuses %j with 400", (text, problem) => {
    expect(readJsonObject(text)).toMatchObject({
      ok: false,
      statusCode: 400,
      problem: expect.stringMatching(problem),
    });
  });
});

describe("readJsonBody", () => {
  const jsonRequest = (rawBody: Buffer) =>
    toWebhookRequest(
      apiGatewayEvent({
        path: "/x",
        headers: { "content-type": "application/json" },
        body: rawBody,
        base64: true,
      }),
    );

  it("keeps the body's text: its UTF-8 encoding is the bytes received", () => {
    const text = '{ "n": 12345678901234567890, "s": "🔥 café" }';
    const read = readJsonBody(jsonRequest(Buffer.from(text, "utf8")));
    expect(read).toMatchObject({ ok: true, text });
  });

  it("refuses bytes that are not UTF-8 rather than queueing replacement characters", () => {
    // 0xFF is never UTF-8; decoding it would give U+FFFD, text the sender never signed.
    const raw = Buffer.concat([Buffer.from('{"s":"'), Buffer.from([0xff]), Buffer.from('"}')]);
    expect(readJsonBody(jsonRequest(raw))).toEqual({
      ok: false,
      kind: "invalid",
      statusCode: 400,
      problem: "the request body is not valid UTF-8: JSON must be sent as UTF-8",
    });
  });
});

describe("readJsonBodyMembers", () => {
  const jsonRequest = (body: string | Buffer) =>
    toWebhookRequest(
      apiGatewayEvent({
        path: "/x",
        headers: { "content-type": "application/json" },
        body,
        ...(typeof body === "string" ? {} : { base64: true }),
      }),
    );

  it("gives the named members' values and the body's text as received", () => {
    const text = '{"action":"opened","\\u006e":1.5e300,"o":{"action":1},"action":"closed"}';
    expect(readJsonBodyMembers(jsonRequest(text), ["action", "n", "o", "absent"])).toEqual({
      ok: true,
      value: ["closed", 1.5e300, { action: 1 }, undefined],
      text,
    });
  });

  it.each([
    "",
    "  \n",
    "{",
    '{"a": 1,}',
    '{"token":"xoxb-secret-value" oops}',
    '{"s": "tab\tinside"}',
    "null",
    "[]",
    '"s"',
  ])("refuses %j with the 400 readJsonBody gives", (text) => {
    const refused = readJsonBodyMembers(jsonRequest(text), ["action"]);
    expect(refused.ok).toBe(false);
    expect(refused).toEqual(readJsonBody(jsonRequest(text)));
  });

  it("refuses bytes that are not UTF-8 as readJsonBody does", () => {
    const raw = Buffer.concat([Buffer.from('{"s":"'), Buffer.from([0xff]), Buffer.from('"}')]);
    expect(readJsonBodyMembers(jsonRequest(raw), ["s"])).toEqual(readJsonBody(jsonRequest(raw)));
  });
});

describe("withPayloadParsedOnRead", () => {
  it("parses the payload text when the payload is first read, once", () => {
    const payloadText = '{"label":{"name":"bug"},"n":[1,2]}';
    const parse = vi.spyOn(JSON, "parse");
    try {
      const event = withPayloadParsedOnRead({ eventType: "issues", deliveryKey: "d", payloadText });
      expect(parse).not.toHaveBeenCalled();
      expect(event.payload).toEqual({ label: { name: "bug" }, n: [1, 2] });
      expect(event.payload).toBe(event.payload);
      expect(parse).toHaveBeenCalledTimes(1);
    } finally {
      parse.mockRestore();
    }
  });
});

describe("forms", () => {
  it("decodes fields as UTF-8, a repeated field keeping its last value", () => {
    const req = withContentType("application/x-www-form-urlencoded", "a=caf%C3%A9&b=%F0%9F%94%A5&a=2&c=x+y");
    expect(readForm(req)).toEqual({ a: "2", b: "🔥", c: "x y" });
  });

  it("parses the payload field and refuses its absence", () => {
    expect(readFormPayloadField({ payload: '{"type":"x"}' })).toMatchObject({
      ok: true,
      value: { type: "x" },
    });
    expect(readFormPayloadField({})).toMatchObject({ ok: false, statusCode: 400 });
  });
});

describe("small helpers", () => {
  it("contentDeliveryKey is the body's SHA-256", () => {
    expect(contentDeliveryKey("")).toBe(
      "sha256:e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
    );
    expect(contentDeliveryKey(Buffer.from("a"))).toBe(contentDeliveryKey("a"));
  });

  it("pick walks objects and arrays", () => {
    expect(pick({ a: [{ b: 1 }] }, "a", "0", "b")).toBe(1);
    expect(pick({ a: null }, "a", "b")).toBeUndefined();
    expect(pick("s", "length")).toBeUndefined();
  });

  it("str keeps only non-empty strings", () => {
    expect(str("x")).toBe("x");
    expect(str("")).toBeUndefined();
    expect(str(1)).toBeUndefined();
  });
});

describe("readJsonObject error messages", () => {
  it("names the position of a syntax error without echoing the body", () => {
    const result = readJsonObject('{"token":"xoxb-secret-value" oops}');
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.problem).toMatch(/not valid JSON \(syntax error at character \d+\)/);
    expect(result.problem).not.toContain("xoxb-secret-value");
  });
});
