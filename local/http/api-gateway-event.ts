import { randomUUID } from "node:crypto";
import type { IncomingMessage } from "node:http";
import type { APIGatewayProxyEventV2 } from "aws-lambda";
import { mediaTypeOf } from "../../shared/http/media-type";

/**
 * The media types an HTTP API passes to Lambda as text; every other body (form-encoded ones, those
 * without a Content-Type) arrives base64-encoded with `isBase64Encoded: true`, so the local runner
 * does the same and the ingest handler meets the same events as in AWS.
 */
export function isTextMediaType(contentType: string | undefined): boolean {
  const type = mediaTypeOf(contentType);
  if (!type) return false;
  return (
    type.startsWith("text/") ||
    type === "application/json" ||
    type.endsWith("+json") ||
    type === "application/javascript" ||
    type === "application/xml" ||
    type.endsWith("+xml")
  );
}

/**
 * Name/value pairs with repeated names joined by commas, as an HTTP API joins duplicate headers and
 * query parameters. A Map, not an object: names like `constructor` or `__proto__` stay ordinary.
 */
function commaJoined(pairs: Iterable<[string, string]>): Record<string, string> {
  const joined = new Map<string, string>();
  for (const [name, value] of pairs) {
    const seen = joined.get(name);
    joined.set(name, seen === undefined ? value : `${seen},${value}`);
  }
  return Object.fromEntries(joined);
}

/** Raw header pairs with the lower-case names an HTTP API gives them. */
function* headerPairs(rawHeaders: readonly string[]): Generator<[string, string]> {
  for (let i = 0; i + 1 < rawHeaders.length; i += 2) yield [rawHeaders[i]!.toLowerCase(), rawHeaders[i + 1]!];
}

/**
 * The client's address as API Gateway reports it: a dual-stack socket shows an IPv4 client as
 * `::ffff:203.0.113.7`, which API Gateway never sends.
 */
const apiGatewaySourceIp = (address: string | undefined): string =>
  address?.replace(/^::ffff:(\d+\.\d+\.\d+\.\d+)$/i, "$1") ?? "127.0.0.1";

/** A faithful API Gateway HTTP API (payload format 2.0) event for one local request. */
export function toApiGatewayEvent(
  req: IncomingMessage,
  body: Buffer,
  now = new Date(),
): APIGatewayProxyEventV2 {
  const url = new URL(req.url ?? "/", "http://localhost");
  const headers = commaJoined(headerPairs(req.rawHeaders));
  const method = (req.method ?? "GET").toUpperCase();
  const asText = isTextMediaType(headers["content-type"]);
  const cookies = headers.cookie?.split(";").map((c) => c.trim());
  // Decoded, duplicates comma-joined, and absent when there is no query, as an HTTP API sends it.
  const queryStringParameters = url.searchParams.size > 0 ? commaJoined(url.searchParams) : undefined;
  return {
    version: "2.0",
    routeKey: "$default",
    rawPath: url.pathname,
    rawQueryString: url.search.slice(1),
    ...(cookies ? { cookies } : {}),
    headers,
    ...(queryStringParameters ? { queryStringParameters } : {}),
    requestContext: {
      accountId: "000000000000",
      apiId: "local",
      domainName: headers.host ?? "localhost",
      domainPrefix: "localhost",
      http: {
        method,
        path: url.pathname,
        protocol: `HTTP/${req.httpVersion}`,
        sourceIp: apiGatewaySourceIp(req.socket.remoteAddress),
        userAgent: headers["user-agent"] ?? "",
      },
      requestId: randomUUID(),
      routeKey: "$default",
      stage: "$default",
      time: now.toISOString(),
      timeEpoch: now.getTime(),
    },
    ...(body.length > 0 ? { body: asText ? body.toString("utf8") : body.toString("base64") } : {}),
    isBase64Encoded: body.length > 0 && !asText,
  };
}
