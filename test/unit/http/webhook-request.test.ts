import { describe, expect, it } from "vitest";
import { fromApiGatewayEvent, lowerCaseHeaders } from "../../../shared/http/webhook-request";
import { apiGatewayEvent } from "../../support/signed-requests";

describe("lowerCaseHeaders", () => {
  it("lower-cases names and keeps values exactly", () => {
    expect(lowerCaseHeaders({ "X-Slack-Signature": "v0=ABC", "Content-Type": "application/json" })).toEqual({
      "x-slack-signature": "v0=ABC",
      "content-type": "application/json",
    });
  });

  it("comma-joins names that differ only in case, as API Gateway joins duplicates", () => {
    expect(lowerCaseHeaders({ "X-Custom": "a", "x-custom": "b" })).toEqual({ "x-custom": "a,b" });
  });

  it("drops undefined values and tolerates no headers", () => {
    expect(lowerCaseHeaders({ a: undefined, b: "1" })).toEqual({ b: "1" });
    expect(lowerCaseHeaders(undefined)).toEqual({});
  });

  it("treats headers named like Object.prototype members as ordinary headers", () => {
    const headers = lowerCaseHeaders({ constructor: "x", toString: "y", hasOwnProperty: "z" });
    expect(headers).toEqual({ constructor: "x", tostring: "y", hasownproperty: "z" });
    expect(headers.constructor).toBe("x");
  });
});

describe("fromApiGatewayEvent", () => {
  const receivedAt = new Date("2024-06-01T12:00:00.000Z");

  it("keeps a plain body's UTF-8 bytes", () => {
    const req = fromApiGatewayEvent(
      apiGatewayEvent({ path: "/webhooks/github", body: '{"t":"é🚒"}', receivedAt, requestId: "req-1" }),
    );
    expect(req.rawBody).toEqual(Buffer.from('{"t":"é🚒"}', "utf8"));
    expect(req).toMatchObject({ method: "POST", path: "/webhooks/github", requestId: "req-1", receivedAt });
  });

  it("keeps a large plain body's UTF-8 bytes, and a lone surrogate's U+FFFD without taking it as text", () => {
    // Past a few KiB the body is encoded another way; the bytes are the same.
    const body = `{"t":"${"é✅🚒\uFFFE\uFFFF".repeat(2000)}${"a".repeat(5000)}"}`;
    const req = fromApiGatewayEvent(apiGatewayEvent({ path: "/webhooks/github", body }));
    expect(req.rawBody.equals(Buffer.from(body, "utf8"))).toBe(true);
    expect(req.bodyText).toBe(body);
    const lone = `{"t":"${"a".repeat(5000)}\uD83D"}`;
    const loneReq = fromApiGatewayEvent(apiGatewayEvent({ path: "/webhooks/github", body: lone }));
    expect(loneReq.rawBody.equals(Buffer.from(`{"t":"${"a".repeat(5000)}\uFFFD"}`, "utf8"))).toBe(true);
    expect(loneReq.bodyText).toBeUndefined();
  });

  it("decodes a base64 body to its exact bytes, non-ASCII included", () => {
    const bytes = Buffer.from("text=caf\u00e9 \u2603 \u{1F525}&x=%C3%A9", "utf8");
    const event = apiGatewayEvent({ path: "/webhooks/slack/interactions", body: bytes, base64: true });
    expect(event.body).toBe(bytes.toString("base64"));
    expect(fromApiGatewayEvent(event).rawBody.equals(bytes)).toBe(true);
  });

  it("keeps bytes that are not valid UTF-8 when base64-encoded", () => {
    const bytes = Buffer.from([0xff, 0xfe, 0x00, 0xc3]);
    const req = fromApiGatewayEvent(apiGatewayEvent({ path: "/x", body: bytes, base64: true }));
    expect(req.rawBody.equals(bytes)).toBe(true);
  });

  it("takes a missing body as empty and lower-cases header names", () => {
    const event = apiGatewayEvent({ path: "/x", headers: { "X-GitHub-Event": "ping" } });
    const req = fromApiGatewayEvent(event);
    expect(req.rawBody.length).toBe(0);
    expect(req.headers).toEqual({ "x-github-event": "ping" });
  });

  it("carries the source IP and the query string parameters API Gateway decoded", () => {
    const event = {
      ...apiGatewayEvent({ path: "/webhooks/generic/jira" }),
      rawQueryString: "token=a%2Bb&x=1&x=2",
      queryStringParameters: { token: "a+b", x: "1,2", gone: undefined },
    };
    const req = fromApiGatewayEvent(event);
    expect(req.sourceIp).toBe("192.0.2.10");
    expect(req.query).toEqual({ token: "a+b", x: "1,2" });
  });

  it("has no query parameters when the request had none, and keeps odd names ordinary", () => {
    expect(fromApiGatewayEvent(apiGatewayEvent({ path: "/x" })).query).toEqual({});
    const odd = fromApiGatewayEvent({
      ...apiGatewayEvent({ path: "/x" }),
      queryStringParameters: JSON.parse('{"__proto__":"p","constructor":"c"}'),
    });
    expect(Object.hasOwn(odd.query!, "__proto__")).toBe(true);
    expect(odd.query).toMatchObject({ constructor: "c" });
  });

  it("falls back to a fresh request id and the given time when the context lacks them", () => {
    const now = new Date("2030-01-01T00:00:00.000Z");
    const req = fromApiGatewayEvent({ rawPath: "/x", headers: {}, isBase64Encoded: false } as never, now);
    expect(req.requestId).toMatch(/^[0-9a-f-]{36}$/);
    expect(req.receivedAt).toEqual(now);
    expect(req.method).toBe("POST");
  });
});
