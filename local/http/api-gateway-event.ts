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

/** Headers as an HTTP API gives them: lower-case names, duplicates joined with commas. */
function apiGatewayHeaders(rawHeaders: readonly string[]): Record<string, string> {
  const headers: Record<string, string> = {};
  for (let i = 0; i + 1 < rawHeaders.length; i += 2) {
    const name = rawHeaders[i]!.toLowerCase();
    const value = rawHeaders[i + 1]!;
    headers[name] = name in headers ? `${headers[name]},${value}` : value;
  }
  return headers;
}

/** A faithful API Gateway HTTP API (payload format 2.0) event for one local request. */
export function toApiGatewayEvent(
  req: IncomingMessage,
  body: Buffer,
  now = new Date(),
): APIGatewayProxyEventV2 {
  const url = new URL(req.url ?? "/", "http://localhost");
  const headers = apiGatewayHeaders(req.rawHeaders);
  const method = (req.method ?? "GET").toUpperCase();
  const asText = isTextMediaType(headers["content-type"]);
  const cookies = headers.cookie?.split(";").map((c) => c.trim());
  const queryStringParameters = url.searchParams.size > 0 ? Object.fromEntries(url.searchParams) : undefined;
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
        sourceIp: req.socket.remoteAddress ?? "127.0.0.1",
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
