/**
 * Configured generic sources through the real ingest handler, against a real SQS wire protocol
 * (fauxqs, started in this process): a Datadog-like source whose event type, delivery key and
 * service sit at body paths; a Jira Data Center-like source that can only send a URL (query token
 * plus allowlist), whose token must reach neither the queue nor a log line; a Grafana-like HMAC
 * source with its own header; and what a caller can do to them (odd casing, duplicate headers, a
 * 100 KB signature, a refused address, a bad configuration).
 */
import { createHmac } from "node:crypto";
import { CreateQueueCommand, type SQSClient } from "@aws-sdk/client-sqs";
import type { APIGatewayProxyEventV2 } from "aws-lambda";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from "vitest";
import { createIngestHandler } from "../../../functions/ingest/handler";
import { type RunningFauxqs, startSqsEmulator } from "../../../local/emulators/fauxqs";
import { ingestConfigFromEnv } from "../../../shared/config/ingest-config";
import { inlinePayloadText } from "../../../shared/envelope/envelope";
import type { IngestDeps } from "../../../shared/ingest/ingest-webhook";
import { createSqsClient, SqsEventQueue } from "../../../shared/queue/sqs-event-queue";
import { prepareRecord } from "../../../shared/router/prepare-record";
import { SecretReader } from "../../../shared/secrets/secret-reader";
import { stubEmulatorEnv } from "../../support/emulator-env";
import { spyOnObservability } from "../../support/observability-spies";
import { apiGatewayEvent, hexBodySignature, testSecretEnv } from "../../support/signed-requests";
import { sqsRecord } from "../../unit/router/router-fakes";
import { drainQueue, messageAttributes, messageEnvelope } from "./queued-messages";

const SOURCES = {
  datadog: {
    scheme: "shared-secret",
    header: "DD-Webhook-Secret",
    event_type: "alert.transition",
    delivery_key: ["alert.id", "id"],
    identifiers: { service: "alert.tags.service", pagerduty_service_id: "incidents[0].pagerduty.service_id" },
  },
  jiradc: {
    scheme: "query-token",
    allow_ips: ["192.0.2.0/24", "2001:db8::/32"],
    event_type: "webhookEvent",
    delivery_key: [{ header: "x-atlassian-webhook-identifier" }, "timestamp"],
    identifiers: { service: "issue.fields.components[0].name" },
  },
  grafana: {
    scheme: "hmac-sha256",
    header: "X-Grafana-Alerting-Signature",
    prefix: "",
    encoding: "base64",
    event_type: "status",
    delivery_key: "groupKey",
  },
  unicode: { scheme: "shared-secret" },
};

const SECRETS = {
  datadog: "dd-static-secret-4b1f",
  jiradc: ["jira-query-token-old-8d2e", "jira-query-token-9c7a11f0"],
  grafana: "grafana-hmac-key",
  unicode: "clé-secrète-🔑-秘密",
  coralogix: "coralogix-static-token-123",
};
const JIRA_TOKEN = SECRETS.jiradc[1]!;

let emulator: RunningFauxqs | undefined;
let sqs: SQSClient;
let queueUrl: string;
let spies: ReturnType<typeof spyOnObservability>;

const deps = (): IngestDeps => ({
  config: ingestConfigFromEnv({ PROVIDER: "generic" }),
  queue: new SqsEventQueue(queueUrl),
  secrets: new SecretReader(testSecretEnv({ GENERIC_WEBHOOK_SECRETS: JSON.stringify(SECRETS) })),
});
const handler = () => createIngestHandler(deps);

/** A request to a generic source, with what API Gateway adds: the caller's address and the query. */
function sourceEvent(
  source: string,
  body: string,
  headers: Record<string, string>,
  extra: { query?: Record<string, string>; sourceIp?: string } = {},
): APIGatewayProxyEventV2 {
  const event = apiGatewayEvent({
    path: `/webhooks/generic/${source}`,
    headers: { "Content-Type": "application/json", ...headers },
    body,
  });
  const query = extra.query ?? {};
  return {
    ...event,
    rawQueryString: new URLSearchParams(query).toString(),
    ...(Object.keys(query).length > 0 ? { queryStringParameters: query } : {}),
    requestContext: {
      ...event.requestContext,
      http: { ...event.requestContext.http, sourceIp: extra.sourceIp ?? "192.0.2.10" },
    },
  };
}

const drain = () => drainQueue(sqs, queueUrl);

beforeAll(async () => {
  emulator = await startSqsEmulator();
  stubEmulatorEnv({ sqs: emulator.endpoint }, { SQS_MAX_ATTEMPTS: "1" });
  sqs = createSqsClient();
  const { QueueUrl } = await sqs.send(new CreateQueueCommand({ QueueName: `generic-sources-${Date.now()}` }));
  queueUrl = QueueUrl!;
});

afterAll(async () => {
  vi.unstubAllEnvs();
  await emulator?.stop();
});

beforeEach(() => {
  vi.stubEnv("GENERIC_WEBHOOK_SOURCES", JSON.stringify(SOURCES));
  spies = spyOnObservability();
});

afterEach(async () => {
  spies.restore();
  if (emulator) await drain();
});

describe("a Datadog-like source: shared secret, fields at body paths", () => {
  const body = JSON.stringify({
    id: "outer-id",
    alert: { id: "dd-alert-77", transition: "Triggered", tags: { service: "checkout" } },
    incidents: [{ pagerduty: { service_id: "PSVC42" } }],
    service: "not-the-configured-path",
  });

  it("is queued with the event type and delivery key its configuration points at", async () => {
    const response = await handler()(sourceEvent("datadog", body, { "dD-wEbHoOk-SeCrEt": SECRETS.datadog }));
    expect(response.statusCode).toBe(200);

    const [message, ...rest] = await drain();
    expect(rest).toHaveLength(0);
    const envelope = messageEnvelope(message!);
    expect(envelope).toMatchObject({
      provider: "generic",
      source: "datadog",
      event_type: "Triggered",
      delivery_key: "dd-alert-77",
    });
    expect(messageAttributes(message!)).toMatchObject({
      event_type: "Triggered",
      delivery_key: "dd-alert-77",
    });
    const payloadText = inlinePayloadText(envelope);
    expect(payloadText).toBe(body);
    // What the router routes by: found at ingest at the configured paths, carried in the envelope.
    expect(envelope.identifiers).toEqual({ service: "checkout", pagerduty_service_id: "PSVC42" });
    const prepared = await prepareRecord({ ...sqsRecord(message!.Body!), messageId: message!.MessageId! });
    expect(prepared).toMatchObject({
      ok: true,
      identifiers: { service: "checkout", pagerduty_service_id: "PSVC42" },
    });
    expect(message!.Body).not.toContain(SECRETS.datadog);
  });

  it("refuses a wrong secret, and the bearer or signature today's sources take", async () => {
    const refused = [
      sourceEvent("datadog", body, { "dd-webhook-secret": "guess" }),
      sourceEvent("datadog", body, { Authorization: `Bearer ${SECRETS.datadog}` }),
      sourceEvent("datadog", body, { "X-Webhook-Signature": hexBodySignature(SECRETS.datadog, body) }),
    ];
    for (const event of refused) {
      const response = await handler()(event);
      expect(response.statusCode).toBe(401);
    }
    expect(await drain()).toHaveLength(0);
    expect(spies.logText()).not.toContain(SECRETS.datadog);
  });
});

describe("a Jira Data Center-like source: query token and allowlist", () => {
  const body = JSON.stringify({
    timestamp: 1_700_000_000_123,
    webhookEvent: "jira:issue_updated",
    issue: { key: "OPS-7", fields: { components: [{ name: "payments" }] } },
  });

  it("takes the token from an allowed address, and neither the queue nor the logs ever hold it", async () => {
    const event = sourceEvent("jiradc", body, {}, { query: { token: JIRA_TOKEN, project: "OPS" } });
    const response = await handler()(event);
    expect(response.statusCode).toBe(200);

    const [message] = await drain();
    const envelope = messageEnvelope(message!);
    expect(envelope).toMatchObject({ event_type: "jira:issue_updated", delivery_key: "1700000000123" });
    expect(JSON.stringify(message)).not.toContain(JIRA_TOKEN);
    expect(spies.logText()).not.toContain(JIRA_TOKEN);
    expect(response.body).not.toContain(JIRA_TOKEN);
  });

  it("accepts an IPv6 caller in the allowlist and the token being rotated out", async () => {
    const event = sourceEvent(
      "jiradc",
      body,
      {},
      { query: { token: SECRETS.jiradc[0]! }, sourceIp: "2001:db8::5" },
    );
    expect((await handler()(event)).statusCode).toBe(200);
    expect(await drain()).toHaveLength(1);
  });

  it("answers 403 forbidden_ip for an address outside the allowlist, before looking at the token", async () => {
    const event = sourceEvent(
      "jiradc",
      body,
      {},
      { query: { token: JIRA_TOKEN }, sourceIp: "198.51.100.23" },
    );
    const response = await handler()(event);
    expect(response.statusCode).toBe(403);
    expect(JSON.parse(response.body!).error).toBe(
      "source 'jiradc' accepts requests only from the addresses in its allow_ips; 198.51.100.23 is not one of them",
    );
    expect(await drain()).toHaveLength(0);
    expect(spies.logText()).toContain("forbidden_ip");
    expect(spies.logText()).not.toContain(JIRA_TOKEN);
  });

  it("answers 401 for a wrong, missing or repeated token without repeating it", async () => {
    const guess = "jira-query-token-guess-0000";
    const queries: Record<string, string>[] = [
      { token: guess },
      {},
      { token: `${JIRA_TOKEN},${JIRA_TOKEN}` },
    ];
    for (const query of queries) {
      const response = await handler()(sourceEvent("jiradc", body, {}, { query }));
      expect(response.statusCode).toBe(401);
      expect(response.body).not.toContain(guess);
      expect(response.body).not.toContain(JIRA_TOKEN);
    }
    expect(await drain()).toHaveLength(0);
    expect(spies.logText()).not.toContain(guess);
    expect(spies.logText()).not.toContain(JIRA_TOKEN);
  });

  it("never takes the token from a header", async () => {
    const response = await handler()(sourceEvent("jiradc", body, { token: JIRA_TOKEN }));
    expect(response.statusCode).toBe(401);
  });
});

describe("a Grafana-like source: base64 HMAC under its own header", () => {
  const body =
    '{"status":"firing","groupKey":"{}:{alertname=\\"HighLatency\\"}","commonLabels":{"service":"api"}}';
  const signature = createHmac("sha256", SECRETS.grafana).update(body).digest("base64");

  it("verifies the header in any casing, and one good signature among comma-joined duplicates", async () => {
    const variants: Record<string, string>[] = [
      { "X-GRAFANA-ALERTING-SIGNATURE": signature },
      { "x-grafana-alerting-signature": `${"A".repeat(43)}=,${signature}` },
    ];
    for (const headers of variants) {
      expect((await handler()(sourceEvent("grafana", body, headers))).statusCode).toBe(200);
    }
    const keys = (await drain()).map((m) => messageEnvelope(m).delivery_key);
    expect(keys).toEqual(['{}:{alertname="HighLatency"}', '{}:{alertname="HighLatency"}']);
  });

  it("refuses hex where base64 is configured, and a 100 KB header without echoing it", async () => {
    const hex = createHmac("sha256", SECRETS.grafana).update(body).digest("hex");
    const flood = `${signature},${"x".repeat(100 * 1024)}`;
    for (const value of [hex, flood]) {
      const response = await handler()(
        sourceEvent("grafana", body, { "x-grafana-alerting-signature": value }),
      );
      expect(response.statusCode).toBe(401);
      expect(response.body!.length).toBeLessThan(1000);
      expect(response.body).not.toContain(signature);
    }
    expect(await drain()).toHaveLength(0);
  });
});

describe("the rest", () => {
  it("matches a non-ASCII shared secret", async () => {
    const ok = await handler()(sourceEvent("unicode", "{}", { "x-webhook-secret": SECRETS.unicode }));
    expect(ok.statusCode).toBe(200);
    const wrong = await handler()(sourceEvent("unicode", "{}", { "x-webhook-secret": "cle-secrete" }));
    expect(wrong.statusCode).toBe(401);
    expect(await drain()).toHaveLength(1);
  });

  it("keeps today's behaviour for a source the configuration does not list", async () => {
    const body = '{"event_type":"alert.fired","id":"c-1"}';
    const response = await handler()(
      sourceEvent("coralogix", body, { authorization: `Bearer ${SECRETS.coralogix}` }),
    );
    expect(response.statusCode).toBe(200);
    expect(messageEnvelope((await drain())[0]!)).toMatchObject({
      event_type: "alert.fired",
      delivery_key: "c-1",
    });
  });

  it("answers 503 to every request while the configuration is bad, and logs the field to fix", async () => {
    vi.stubEnv(
      "GENERIC_WEBHOOK_SOURCES",
      JSON.stringify({ ...SOURCES, datadog: { ...SOURCES.datadog, allow_ips: ["10.0.0.300/8"] } }),
    );
    const response = await handler()(
      sourceEvent("coralogix", "{}", { authorization: `Bearer ${SECRETS.coralogix}` }),
    );
    expect(response.statusCode).toBe(503);
    expect(await drain()).toHaveLength(0);
    expect(spies.logText()).toContain(
      'GENERIC_WEBHOOK_SOURCES.datadog.allow_ips[0]: \\"10.0.0.300/8\\" is not a CIDR',
    );
    for (const secret of [SECRETS.coralogix, SECRETS.datadog]) expect(spies.logText()).not.toContain(secret);
  });
});
