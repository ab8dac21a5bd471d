/**
 * Signed API Gateway HTTP API (payload 2.0) events for the benchmark, built with the project's own
 * signing helpers so each one is accepted. Header names are lower-case, as API Gateway sends them;
 * form bodies arrive base64-encoded, as API Gateway does for `application/x-www-form-urlencoded`.
 */
import type { APIGatewayProxyEventV2 } from "aws-lambda";
import { signHex } from "../../shared/crypto/hex-hmac-signature";
import { standardWebhookHeaders } from "../../shared/crypto/standard-webhooks";
import { signSlack } from "../../shared/providers/slack";

export const SECRETS = {
  slack: "8f742231b10e8888abcd99yyyzzz85a5",
  github: "It's a Secret to Everybody",
  pagerduty: "pd-webhook-secret-5c1f0a9e3b7d",
  incidentio: `whsec_${Buffer.from("incident.io benchmark signing key 32b").toString("base64")}`,
  jira: "jira-webhook-secret-0b8e7c6d5a4f",
  generic: "datadog-shared-secret-7e6d5c4b3a29",
} as const;

/** The environment a SecretReader reads the plain secrets from. */
export const SECRET_ENV = {
  SLACK_SIGNING_SECRET: SECRETS.slack,
  GITHUB_WEBHOOK_SECRET: SECRETS.github,
  PAGERDUTY_WEBHOOK_SECRET: SECRETS.pagerduty,
  INCIDENTIO_WEBHOOK_SECRET: SECRETS.incidentio,
  JIRA_WEBHOOK_SECRET: SECRETS.jira,
  GENERIC_WEBHOOK_SECRETS: JSON.stringify({ datadog: SECRETS.generic }),
};

export interface SignedRequest {
  event: APIGatewayProxyEventV2;
  /** The exact bytes that were signed. */
  rawBody: string;
  headers: Record<string, string>;
}

function apiGatewayEvent(
  path: string,
  headers: Record<string, string>,
  rawBody: string,
  base64: boolean,
  now: Date,
): APIGatewayProxyEventV2 {
  const requestId = "JxKq0hB9FiAEMbQ=";
  return {
    version: "2.0",
    routeKey: `POST ${path}`,
    rawPath: path,
    rawQueryString: "",
    headers: {
      accept: "*/*",
      "content-length": String(Buffer.byteLength(rawBody)),
      host: "abc123xyz0.execute-api.eu-central-1.amazonaws.com",
      "x-amzn-trace-id": "Root=1-683d6f3f-0f2b1c3d4e5f60718293a4b5",
      "x-forwarded-for": "54.80.12.34",
      "x-forwarded-port": "443",
      "x-forwarded-proto": "https",
      ...headers,
    },
    requestContext: {
      accountId: "123456789012",
      apiId: "abc123xyz0",
      domainName: "abc123xyz0.execute-api.eu-central-1.amazonaws.com",
      domainPrefix: "abc123xyz0",
      http: { method: "POST", path, protocol: "HTTP/1.1", sourceIp: "54.80.12.34", userAgent: "bench" },
      requestId,
      routeKey: `POST ${path}`,
      stage: "$default",
      time: "02/Jun/2025:08:41:19 +0000",
      timeEpoch: now.getTime(),
    },
    body: base64 ? Buffer.from(rawBody, "utf8").toString("base64") : rawBody,
    isBase64Encoded: base64,
  };
}

const JSON_TYPE = "application/json";
const FORM_TYPE = "application/x-www-form-urlencoded";

export function slackEventRequest(payload: unknown, now: Date): SignedRequest {
  const rawBody = JSON.stringify(payload);
  const timestamp = Math.floor(now.getTime() / 1000);
  const headers = {
    "content-type": JSON_TYPE,
    "user-agent": "Slackbot 1.0 (+https://api.slack.com/robots)",
    "x-slack-request-timestamp": String(timestamp),
    "x-slack-signature": signSlack(SECRETS.slack, timestamp, rawBody),
  };
  return { event: apiGatewayEvent("/webhooks/slack/events", headers, rawBody, false, now), rawBody, headers };
}

export function slackInteractionRequest(payload: unknown, now: Date): SignedRequest {
  const rawBody = new URLSearchParams({ payload: JSON.stringify(payload) }).toString();
  const timestamp = Math.floor(now.getTime() / 1000);
  const headers = {
    "content-type": FORM_TYPE,
    "user-agent": "Slackbot 1.0 (+https://api.slack.com/robots)",
    "x-slack-request-timestamp": String(timestamp),
    "x-slack-signature": signSlack(SECRETS.slack, timestamp, rawBody),
  };
  return {
    event: apiGatewayEvent("/webhooks/slack/interactions", headers, rawBody, true, now),
    rawBody,
    headers,
  };
}

export function githubRequest(eventName: string, payload: unknown, now: Date): SignedRequest {
  const rawBody = JSON.stringify(payload);
  const headers = {
    "content-type": JSON_TYPE,
    "user-agent": "GitHub-Hookshot/5a1b2c3",
    "x-github-event": eventName,
    "x-github-delivery": "72d3162e-cc78-11e3-81ab-4c9367dc0958",
    "x-github-hook-id": "292430182",
    "x-github-hook-installation-target-id": "79929171",
    "x-github-hook-installation-target-type": "repository",
    "x-hub-signature": `sha1=${"0".repeat(40)}`,
    "x-hub-signature-256": signHex(SECRETS.github, rawBody, "sha256="),
  };
  return { event: apiGatewayEvent("/webhooks/github", headers, rawBody, false, now), rawBody, headers };
}

export function pagerdutyRequest(payload: unknown, now: Date): SignedRequest {
  const rawBody = JSON.stringify(payload);
  const headers = {
    "content-type": "application/json; charset=utf-8",
    "user-agent": "PagerDuty-Webhook/V3.0",
    "x-webhook-id": "b9c1f5a2-3d4e-4f60-8a7b-9c0d1e2f3a4b",
    "x-webhook-subscription": "PSUB123",
    // Two signatures, as PagerDuty sends during a secret rotation: one valid.
    "x-pagerduty-signature": `v1=${"ab".repeat(32)},${signHex(SECRETS.pagerduty, rawBody, "v1=")}`,
  };
  return { event: apiGatewayEvent("/webhooks/pagerduty", headers, rawBody, false, now), rawBody, headers };
}

export function incidentioRequest(payload: unknown, now: Date): SignedRequest {
  const rawBody = JSON.stringify(payload);
  const headers = {
    "content-type": JSON_TYPE,
    "user-agent": "Svix-Webhooks/1.63.1",
    ...standardWebhookHeaders(SECRETS.incidentio, "msg_2xYk7QzR0w9vB3nH5jL1pT6sUaE", rawBody, now),
  };
  return { event: apiGatewayEvent("/webhooks/incidentio", headers, rawBody, false, now), rawBody, headers };
}

export function jiraRequest(payload: unknown, now: Date): SignedRequest {
  const rawBody = JSON.stringify(payload);
  const headers = {
    "content-type": "application/json; charset=UTF-8",
    "user-agent": "Atlassian Webhook HTTP Client",
    "x-atlassian-webhook-identifier": "3d9a1b7e-5c2f-4e8a-9b0d-1f2e3a4b5c6d",
    "x-hub-signature": signHex(SECRETS.jira, rawBody, "sha256="),
  };
  return { event: apiGatewayEvent("/webhooks/jira", headers, rawBody, false, now), rawBody, headers };
}

export function genericRequest(source: string, payload: unknown, now: Date): SignedRequest {
  const rawBody = JSON.stringify(payload);
  const headers = {
    "content-type": JSON_TYPE,
    "user-agent": "Datadog/Webhooks",
    "x-webhook-id": "dd-7c3f2b9e-41d6-4a5f-9d0e-2b1c8e7f6a5d",
    "x-webhook-signature": signHex(SECRETS.generic, rawBody, "sha256="),
  };
  return {
    event: apiGatewayEvent(`/webhooks/generic/${source}`, headers, rawBody, false, now),
    rawBody,
    headers,
  };
}
