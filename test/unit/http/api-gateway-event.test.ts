/**
 * The local runner's API Gateway translation, over a real socket: the same request must produce
 * the fields an HTTP API fills (source IP, raw and decoded query string, joined duplicates).
 */
import { createServer, request } from "node:http";
import type { AddressInfo } from "node:net";
import type { APIGatewayProxyEventV2 } from "aws-lambda";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { toApiGatewayEvent } from "../../../local/http/api-gateway-event";

let server: ReturnType<typeof createServer>;
let port: number;
let last: APIGatewayProxyEventV2 | undefined;

beforeAll(async () => {
  server = createServer((req, res) => {
    last = toApiGatewayEvent(req, Buffer.alloc(0));
    res.end();
  });
  await new Promise<void>((resolve) => server.listen(0, "::", resolve));
  port = (server.address() as AddressInfo).port;
});

afterAll(async () => {
  await new Promise((resolve) => server.close(resolve));
});

/**
 * Sends raw header lines, so duplicates and odd casing reach the server as written (Node then adds
 * no Host header of its own, which HTTP/1.1 requires).
 */
async function send(
  host: string,
  path: string,
  headers: Array<[string, string]> = [],
): Promise<APIGatewayProxyEventV2> {
  last = undefined;
  const lines = [["Host", `localhost:${port}`], ...headers].flat();
  await new Promise<void>((resolve, reject) => {
    const req = request({
      host,
      port,
      path,
      method: "POST",
      headers: lines as unknown as Record<string, string>,
    });
    req.on("response", (res) => res.resume().on("end", resolve));
    req.on("error", reject);
    req.end();
  });
  return last!;
}

describe("toApiGatewayEvent", () => {
  it("reports an IPv4 client on a dual-stack socket as API Gateway does, without ::ffff:", async () => {
    const event = await send("127.0.0.1", "/webhooks/generic/jira");
    expect(event.requestContext.http.sourceIp).toBe("127.0.0.1");
  });

  it("reports an IPv6 client as its address", async () => {
    const event = await send("::1", "/webhooks/generic/jira");
    expect(event.requestContext.http.sourceIp).toBe("::1");
  });

  it("fills rawQueryString as sent and queryStringParameters decoded, duplicates comma-joined", async () => {
    const event = await send("127.0.0.1", "/webhooks/generic/jira?token=a%2Bb%20c&x=1&x=2&empty=");
    expect(event.rawPath).toBe("/webhooks/generic/jira");
    expect(event.rawQueryString).toBe("token=a%2Bb%20c&x=1&x=2&empty=");
    expect(event.queryStringParameters).toEqual({ token: "a+b c", x: "1,2", empty: "" });
  });

  it("leaves queryStringParameters out when there is no query, as an HTTP API does", async () => {
    const event = await send("127.0.0.1", "/webhooks/generic/jira");
    expect(event.rawQueryString).toBe("");
    expect(event.queryStringParameters).toBeUndefined();
  });

  it("keeps parameters and headers named like Object.prototype members ordinary", async () => {
    const event = await send("127.0.0.1", "/x?constructor=c&__proto__=p", [["Constructor", "h"]]);
    expect(event.queryStringParameters).toEqual(JSON.parse('{"constructor":"c","__proto__":"p"}'));
    expect(Object.hasOwn(event.queryStringParameters!, "__proto__")).toBe(true);
    expect(event.headers.constructor).toBe("h");
  });

  it("lower-cases header names and comma-joins duplicates in any casing", async () => {
    const event = await send("127.0.0.1", "/x", [
      ["X-Webhook-Signature", "sha256=aa"],
      ["x-webhook-SIGNATURE", "sha256=bb"],
    ]);
    expect(event.headers["x-webhook-signature"]).toBe("sha256=aa,sha256=bb");
  });
});
