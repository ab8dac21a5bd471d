import { randomBytes, randomUUID } from "node:crypto";
import type { APIGatewayProxyEventV2 } from "aws-lambda";
import { isTextMediaType } from "../http/api-gateway-event";
import type { SampleWebhook } from "./sample-webhooks";

const MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];
const pad = (n: number) => String(n).padStart(2, "0");

/** `12/Mar/2020:19:03:58 +0000`, as `requestContext.time` carries it. */
function requestTime(now: Date): string {
  return `${pad(now.getUTCDate())}/${MONTHS[now.getUTCMonth()]}/${now.getUTCFullYear()}:${pad(now.getUTCHours())}:${pad(
    now.getUTCMinutes(),
  )}:${pad(now.getUTCSeconds())} +0000`;
}

/**
 * The event the deployed HTTP API (payload format 2.0, `$default` stage) hands the ingest function
 * for one sample request: the route key of its `POST` route, lower-case headers, path parameters,
 * and a base64 body for media types API Gateway does not pass as text (form-encoded Slack payloads).
 */
export function toDeployedApiGatewayEvent(sample: SampleWebhook, now = new Date()): APIGatewayProxyEventV2 {
  const domainName = "sample0001.execute-api.us-east-1.amazonaws.com";
  const asText = isTextMediaType(sample.headers["content-type"]);
  const body = Buffer.from(sample.body, "utf8");
  const sourceIp = "203.0.113.10";
  return {
    version: "2.0",
    routeKey: `POST ${sample.route}`,
    rawPath: sample.path,
    rawQueryString: "",
    headers: {
      accept: "*/*",
      "content-length": String(body.length),
      host: domainName,
      "x-amzn-trace-id": `Root=1-${Math.floor(now.getTime() / 1000).toString(16)}-${randomUUID().replaceAll("-", "").slice(0, 24)}`,
      "x-forwarded-for": sourceIp,
      "x-forwarded-port": "443",
      "x-forwarded-proto": "https",
      ...sample.headers,
    },
    ...(sample.pathParameters ? { pathParameters: sample.pathParameters } : {}),
    requestContext: {
      accountId: "123456789012",
      apiId: "sample0001",
      domainName,
      domainPrefix: "sample0001",
      http: {
        method: "POST",
        path: sample.path,
        protocol: "HTTP/1.1",
        sourceIp,
        userAgent: sample.headers["user-agent"] ?? "",
      },
      requestId: randomBytes(11).toString("base64").replace(/[+/]/g, "A"),
      routeKey: `POST ${sample.route}`,
      stage: "$default",
      time: requestTime(now),
      timeEpoch: now.getTime(),
    },
    body: asText ? sample.body : body.toString("base64"),
    isBase64Encoded: !asText,
  };
}
