/**
 * Signed webhook requests for every provider, as API Gateway HTTP API (payload 2.0) events.
 *
 * The signatures are computed here with node:crypto directly, following each provider's public
 * documentation (PROVIDERS.md), not with the production signing helpers: a test that signs with the
 * code under test would pass even if that code signed the wrong string.
 *
 * Every builder takes the same `SignOptions` (body, secret, time, content type, extra headers,
 * base64 encoding, path, method, request id) and returns an `APIGatewayProxyEventV2`; the
 * `signed*Request` variants return the `WebhookRequest` the ingest domain sees.
 */
import { createHmac, randomUUID } from "node:crypto";
import type { APIGatewayProxyEventV2 } from "aws-lambda";
import { fromApiGatewayEvent, type WebhookRequest } from "../../shared/http/webhook-request";
import type { ProviderName } from "../../shared/providers/provider";

// ---------------------------------------------------------------------------------------------
// Secrets
// ---------------------------------------------------------------------------------------------

/** The secrets the builders sign with by default, and that `testSecretEnv()` configures. */
export const TEST_SECRETS = {
  slack: "8f742231b10e8888abcd99yyyzzz85a5",
  github: "It's a Secret to Everybody",
  pagerduty: "pd-webhook-secret-0f9e8d7c",
  /** Standard Webhooks secret: the key is the base64-decoded part after `whsec_`. */
  incidentio: "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw",
  jira: "jira-admin-webhook-secret",
  /** Notion: the subscription's verification token is the signing key. */
  notion: "secret_tMrlL1qK5vuQAh1b6cZGhFChZTSYJlce98V0pYn7yBl",
  /** Generic senders: source name → secret. */
  generic: { coralogix: "coralogix-static-token-123", datadog: "datadog-hmac-secret" } as Record<
    string,
    string
  >,
} as const;

export const DEFAULT_GENERIC_SOURCE = "datadog";

/** Environment values for `new SecretReader(env)` holding every test secret as a plain value. */
export function testSecretEnv(overrides: Record<string, string | undefined> = {}): NodeJS.ProcessEnv {
  return {
    SLACK_SIGNING_SECRET: TEST_SECRETS.slack,
    GITHUB_WEBHOOK_SECRET: TEST_SECRETS.github,
    PAGERDUTY_WEBHOOK_SECRET: TEST_SECRETS.pagerduty,
    INCIDENTIO_WEBHOOK_SECRET: TEST_SECRETS.incidentio,
    JIRA_WEBHOOK_SECRET: TEST_SECRETS.jira,
    NOTION_WEBHOOK_SECRET: TEST_SECRETS.notion,
    GENERIC_WEBHOOK_SECRETS: JSON.stringify(TEST_SECRETS.generic),
    ...overrides,
  };
}

// ---------------------------------------------------------------------------------------------
// Independent signing primitives (node:crypto only)
// ---------------------------------------------------------------------------------------------

const hmacHex = (key: string | Buffer, data: Buffer) => createHmac("sha256", key).update(data).digest("hex");

const bytes = (body: string | Buffer) => (typeof body === "string" ? Buffer.from(body, "utf8") : body);

/** Slack: `v0=` + hex HMAC-SHA256(secret, `v0:<timestamp>:<raw body>`). */
export function slackSignature(secret: string, timestamp: number | string, body: string | Buffer): string {
  return `v0=${hmacHex(secret, Buffer.concat([Buffer.from(`v0:${timestamp}:`), bytes(body)]))}`;
}

/** GitHub, Jira, generic (`sha256=`) and PagerDuty (`v1=`): prefix + hex HMAC-SHA256(secret, raw body). */
export function hexBodySignature(secret: string, body: string | Buffer, prefix = "sha256="): string {
  return prefix + hmacHex(secret, bytes(body));
}

/** Standard Webhooks: `v1,` + base64 HMAC-SHA256(base64-decoded whsec_ key, `<id>.<timestamp>.<body>`). */
export function standardWebhookSignature(
  secret: string,
  id: string,
  timestamp: number | string,
  body: string | Buffer,
): string {
  const key = Buffer.from(secret.replace(/^whsec_/, ""), "base64");
  const mac = createHmac("sha256", key)
    .update(Buffer.concat([Buffer.from(`${id}.${timestamp}.`), bytes(body)]))
    .digest("base64");
  return `v1,${mac}`;
}

export const unixSeconds = (date: Date) => Math.floor(date.getTime() / 1000);

// ---------------------------------------------------------------------------------------------
// API Gateway events
// ---------------------------------------------------------------------------------------------

export interface ApiGatewayEventInit {
  path: string;
  method?: string;
  /** Sent as given (API Gateway lower-cases names; pass mixed case to test callers that do not). */
  headers?: Record<string, string | undefined>;
  /** The exact bytes (a Buffer) or UTF-8 text of the body. */
  body?: string | Buffer;
  /** Base64-encode the body as API Gateway does for binary media types (default: false). */
  base64?: boolean;
  requestId?: string;
  /** When API Gateway received the request (requestContext.timeEpoch); default now. */
  receivedAt?: Date;
}

/** A complete HTTP API payload 2.0 event, as API Gateway hands it to the Lambda. */
export function apiGatewayEvent(init: ApiGatewayEventInit): APIGatewayProxyEventV2 {
  const method = init.method ?? "POST";
  const receivedAt = init.receivedAt ?? new Date();
  const requestId = init.requestId ?? randomUUID();
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(init.headers ?? {}))
    if (value !== undefined) headers[name] = value;
  const base64 = init.base64 ?? false;
  const body =
    init.body === undefined
      ? undefined
      : base64
        ? bytes(init.body).toString("base64")
        : typeof init.body === "string"
          ? init.body
          : init.body.toString("utf8");
  return {
    version: "2.0",
    routeKey: "$default",
    rawPath: init.path,
    rawQueryString: "",
    headers,
    requestContext: {
      accountId: "123456789012",
      apiId: "testapi",
      domainName: "testapi.execute-api.us-east-1.amazonaws.com",
      domainPrefix: "testapi",
      http: {
        method,
        path: init.path,
        protocol: "HTTP/1.1",
        sourceIp: "192.0.2.10",
        userAgent: headers["user-agent"] ?? "test-sender/1.0",
      },
      requestId,
      routeKey: "$default",
      stage: "$default",
      time: receivedAt.toUTCString(),
      timeEpoch: receivedAt.getTime(),
    },
    ...(body === undefined ? {} : { body }),
    isBase64Encoded: base64,
  };
}

/** What the ingest domain sees for an event (header names lower-cased, body as raw bytes). */
export const toWebhookRequest = (event: APIGatewayProxyEventV2): WebhookRequest => fromApiGatewayEvent(event);

// ---------------------------------------------------------------------------------------------
// Per-provider signed events
// ---------------------------------------------------------------------------------------------

export interface SignOptions {
  /** Raw body (text or exact bytes); each builder has a realistic default. */
  body?: string | Buffer;
  /** Signing secret; default the provider's entry in TEST_SECRETS. */
  secret?: string;
  /** When the sender signed (timestamp schemes) and API Gateway received it; default now. */
  now?: Date;
  /** Content-Type header; `null` sends none. */
  contentType?: string | null;
  /** Extra headers, applied after signing (override a signature to tamper with it; undefined removes). */
  headers?: Record<string, string | undefined>;
  base64?: boolean;
  path?: string;
  method?: string;
  requestId?: string;
}

function build(
  opts: SignOptions,
  defaults: { path: string; contentType: string; body: string | Buffer; base64?: boolean },
  sign: (body: Buffer, now: Date) => Record<string, string>,
): APIGatewayProxyEventV2 {
  const now = opts.now ?? new Date();
  const body = bytes(opts.body ?? defaults.body);
  const contentType = opts.contentType === undefined ? defaults.contentType : opts.contentType;
  const headers: Record<string, string | undefined> = {
    "user-agent": "test-sender/1.0",
    ...(contentType === null ? {} : { "content-type": contentType }),
    ...sign(body, now),
  };
  for (const [name, value] of Object.entries(opts.headers ?? {})) {
    if (value === undefined) delete headers[name];
    else headers[name] = value;
  }
  return apiGatewayEvent({
    path: opts.path ?? defaults.path,
    method: opts.method ?? "POST",
    headers,
    body,
    base64: opts.base64 ?? defaults.base64 ?? false,
    receivedAt: now,
    ...(opts.requestId ? { requestId: opts.requestId } : {}),
  });
}

/** Sample bodies, one per provider, shaped like the real thing. */
export const samplePayloads = {
  slackMessage: (text = "the checkout service is down", eventId = `Ev${randomUUID().slice(0, 8)}`) => ({
    token: "verification-token",
    team_id: "T0001",
    api_app_id: "A0001",
    type: "event_callback",
    event_id: eventId,
    event_time: 1_700_000_000,
    event: { type: "message", channel: "C0INCIDENTS", user: "U0001", text, ts: "1700000000.000100" },
  }),
  githubIssue: (action = "labeled") => ({
    action,
    issue: { number: 42, title: "Checkout fails", labels: [{ name: "ai:run" }] },
    label: { name: "ai:run" },
    repository: { full_name: "acme/checkout", name: "checkout" },
    sender: { login: "octocat" },
  }),
  pagerdutyIncident: (id = `01${randomUUID().replaceAll("-", "").slice(0, 24).toUpperCase()}`) => ({
    event: {
      id,
      event_type: "incident.triggered",
      resource_type: "incident",
      occurred_at: "2024-01-01T00:00:00.000Z",
      data: {
        id: "Q1INCIDENT",
        type: "incident",
        title: "Checkout latency",
        service: { id: "PSERVICE1", summary: "checkout", type: "service_reference" },
      },
    },
  }),
  pagerdutyV2: () => ({
    messages: [
      {
        id: "msg-1",
        event: "incident.trigger",
        incident: { id: "I1", service: { id: "PSVC1", name: "api" } },
      },
      {
        id: "msg-2",
        event: "incident.resolve",
        incident: { id: "I2", service: { id: "PSVC2", name: "db" } },
      },
    ],
  }),
  incidentioAlert: () => ({
    event_type: "public_alert.alert_created_v1",
    "public_alert.alert_created_v1": {
      id: "01ALERT",
      title: "High error rate",
      alert_source_id: "01ALERTSOURCE",
      status: "firing",
    },
  }),
  jiraIssueCreated: () => ({
    timestamp: 1_700_000_000_000,
    webhookEvent: "jira:issue_created",
    issue: {
      id: "10001",
      key: "OPS-1",
      fields: { summary: "Checkout broken", components: [{ name: "checkout" }] },
    },
  }),
  notionPageCreated: (id: string = randomUUID()) => ({
    id,
    timestamp: "2024-12-05T23:57:05.379Z",
    workspace_id: "13950b26-c203-4f3b-b97d-93ec06319565",
    subscription_id: "29d75c0d-5546-4414-8459-7b7a92f1fc4b",
    integration_id: "0ef2e755-4912-8096-91c1-00376a88a5ca",
    type: "page.created",
    entity: { id: "153104cd-477e-809d-8dc4-ff2d96ae3090", type: "page" },
    data: { parent: { id: "13950b26-c203-4f3b-b97d-93ec06319565", type: "space" } },
    attempt_number: 1,
  }),
  genericAlert: () => ({
    event_type: "alert.fired",
    id: `alert-${randomUUID()}`,
    service: "checkout",
    severity: "p1",
  }),
};

const json = (value: unknown) => JSON.stringify(value);

/** Slack Events API (JSON) on /webhooks/slack/events. */
export function signedSlackEvent(opts: SignOptions = {}): APIGatewayProxyEventV2 {
  const secret = opts.secret ?? TEST_SECRETS.slack;
  return build(
    opts,
    {
      path: "/webhooks/slack/events",
      contentType: "application/json",
      body: json(samplePayloads.slackMessage()),
    },
    (body, now) => ({
      "x-slack-request-timestamp": String(unixSeconds(now)),
      "x-slack-signature": slackSignature(secret, unixSeconds(now), body),
    }),
  );
}

/** The form body Slack posts for an interaction: one `payload` field holding JSON. */
export const slackInteractionBody = (payload: unknown) =>
  new URLSearchParams({ payload: json(payload) }).toString();

/**
 * A Slack interaction (or, with a `body` of top-level fields, a slash command) on
 * /webhooks/slack/interactions: form-encoded, base64-encoded by API Gateway as it does for forms.
 */
export function signedSlackInteractionEvent(
  payload: unknown = {
    type: "block_actions",
    trigger_id: "123.456.abc",
    channel: { id: "C0INCIDENTS" },
    actions: [{ action_id: "ack", action_ts: "1700000000.1" }],
  },
  opts: SignOptions = {},
): APIGatewayProxyEventV2 {
  return signedSlackEvent({
    path: "/webhooks/slack/interactions",
    contentType: "application/x-www-form-urlencoded",
    base64: true,
    body: slackInteractionBody(payload),
    ...opts,
  });
}

/** A Slack slash command: top-level form fields. */
export function signedSlackCommandEvent(
  fields: Record<string, string> = {
    command: "/incident",
    text: "checkout is down",
    channel_id: "C0INCIDENTS",
    trigger_id: "398738663015.47445629121.803a0bc887a14d10d2c447fce8b6703c",
  },
  opts: SignOptions = {},
): APIGatewayProxyEventV2 {
  return signedSlackInteractionEvent(undefined, { body: new URLSearchParams(fields).toString(), ...opts });
}

export interface GithubSignOptions extends SignOptions {
  /** X-GitHub-Event (default `issues`). */
  event?: string;
  /** X-GitHub-Delivery (default a fresh GUID). */
  delivery?: string;
}

/** GitHub on /webhooks/github: X-Hub-Signature-256, X-GitHub-Event, X-GitHub-Delivery. */
export function signedGithubEvent(opts: GithubSignOptions = {}): APIGatewayProxyEventV2 {
  const secret = opts.secret ?? TEST_SECRETS.github;
  return build(
    opts,
    { path: "/webhooks/github", contentType: "application/json", body: json(samplePayloads.githubIssue()) },
    (body) => ({
      "x-github-event": opts.event ?? "issues",
      "x-github-delivery": opts.delivery ?? randomUUID(),
      "x-github-hook-id": "123456",
      "x-hub-signature-256": hexBodySignature(secret, body, "sha256="),
    }),
  );
}

export interface PagerDutySignOptions extends SignOptions {
  /** Sign with each of these (comma-separated `v1=` list, as during rotation); default `[secret]`. */
  signingSecrets?: string[];
}

/** PagerDuty V3 on /webhooks/pagerduty: X-PagerDuty-Signature with one or more `v1=` entries. */
export function signedPagerDutyEvent(opts: PagerDutySignOptions = {}): APIGatewayProxyEventV2 {
  const secrets = opts.signingSecrets ?? [opts.secret ?? TEST_SECRETS.pagerduty];
  const payload = samplePayloads.pagerdutyIncident();
  return build(
    opts,
    { path: "/webhooks/pagerduty", contentType: "application/json", body: json(payload) },
    (body) => ({
      "x-webhook-id": payload.event.id,
      "x-pagerduty-signature": secrets.map((s) => hexBodySignature(s, body, "v1=")).join(","),
    }),
  );
}

export interface IncidentioSignOptions extends SignOptions {
  /** webhook-id (default `msg_<random>`). */
  id?: string;
  /** `webhook` (default) or Svix's own `svix` header names. */
  headerPrefix?: "webhook" | "svix";
  /** Signatures listed before ours in the space-separated header (e.g. from a retired secret). */
  extraSignatures?: string[];
}

/** incident.io (Svix, Standard Webhooks) on /webhooks/incidentio. */
export function signedIncidentioEvent(opts: IncidentioSignOptions = {}): APIGatewayProxyEventV2 {
  const secret = opts.secret ?? TEST_SECRETS.incidentio;
  const id = opts.id ?? `msg_${randomUUID().replaceAll("-", "")}`;
  const prefix = opts.headerPrefix ?? "webhook";
  return build(
    opts,
    {
      path: "/webhooks/incidentio",
      contentType: "application/json",
      body: json(samplePayloads.incidentioAlert()),
    },
    (body, now) => ({
      [`${prefix}-id`]: id,
      [`${prefix}-timestamp`]: String(unixSeconds(now)),
      [`${prefix}-signature`]: [
        ...(opts.extraSignatures ?? []),
        standardWebhookSignature(secret, id, unixSeconds(now), body),
      ].join(" "),
    }),
  );
}

/** Jira admin webhook on /webhooks/jira: X-Hub-Signature (no -256) and X-Atlassian-Webhook-Identifier. */
export function signedJiraEvent(opts: SignOptions & { identifier?: string } = {}): APIGatewayProxyEventV2 {
  const secret = opts.secret ?? TEST_SECRETS.jira;
  return build(
    opts,
    {
      path: "/webhooks/jira",
      contentType: "application/json",
      body: json(samplePayloads.jiraIssueCreated()),
    },
    (body) => ({
      "x-atlassian-webhook-identifier": opts.identifier ?? `jira-${randomUUID()}`,
      "x-hub-signature": hexBodySignature(secret, body, "sha256="),
    }),
  );
}

/** Notion on /webhooks/notion: X-Notion-Signature: sha256=<hex HMAC-SHA256(verification token, body)>. */
export function signedNotionEvent(opts: SignOptions = {}): APIGatewayProxyEventV2 {
  const secret = opts.secret ?? TEST_SECRETS.notion;
  return build(
    opts,
    {
      path: "/webhooks/notion",
      contentType: "application/json",
      body: json(samplePayloads.notionPageCreated()),
    },
    (body) => ({ "x-notion-signature": hexBodySignature(secret, body, "sha256=") }),
  );
}

/** Notion's one unsigned request when a subscription is created: `{"verification_token": …}`. */
export function notionVerificationEvent(
  token: string,
  opts: Omit<SignOptions, "secret"> = {},
): APIGatewayProxyEventV2 {
  return build(
    opts,
    { path: "/webhooks/notion", contentType: "application/json", body: json({ verification_token: token }) },
    () => ({}),
  );
}

export interface GenericSignOptions extends SignOptions {
  /** `signature` (X-Webhook-Signature, default) or `bearer` (Authorization: Bearer <secret>). */
  auth?: "signature" | "bearer";
}

/** A generic sender on /webhooks/generic/{source}. */
export function signedGenericEvent(
  source: string = DEFAULT_GENERIC_SOURCE,
  opts: GenericSignOptions = {},
): APIGatewayProxyEventV2 {
  const secret = opts.secret ?? TEST_SECRETS.generic[source] ?? "unconfigured-source-secret";
  return build(
    opts,
    {
      path: `/webhooks/generic/${source}`,
      contentType: "application/json",
      body: json(samplePayloads.genericAlert()),
    },
    (body): Record<string, string> =>
      opts.auth === "bearer"
        ? { authorization: `Bearer ${secret}` }
        : { "x-webhook-signature": hexBodySignature(secret, body, "sha256=") },
  );
}

/** One default signed event builder per provider (generic: the default source, HMAC-signed). */
export const signedEventFor: Readonly<Record<ProviderName, (opts?: SignOptions) => APIGatewayProxyEventV2>> =
  {
    slack: (opts) => signedSlackEvent(opts),
    github: (opts) => signedGithubEvent(opts),
    pagerduty: (opts) => signedPagerDutyEvent(opts),
    incidentio: (opts) => signedIncidentioEvent(opts),
    jira: (opts) => signedJiraEvent(opts),
    notion: (opts) => signedNotionEvent(opts),
    generic: (opts) => signedGenericEvent(DEFAULT_GENERIC_SOURCE, opts),
  };

/**
 * A JSON body each provider queues as one event, written as text the way a sender might (spacing of
 * its own, not JSON.stringify's) around `members`, JSON object members given as text. Members named
 * `type`, `event`, `event_id`, `event_type` or `messages` would change what the body is.
 */
export function bodyAround(provider: ProviderName, members: string): string {
  switch (provider) {
    case "slack":
      return `{ "type":"event_callback",  "event_id" : "Ev9", ${members},\n "event": {"type": "message", "channel": "C1"} }`;
    case "pagerduty":
      return `{"event": { "id": "01X" , "event_type": "incident.triggered", "data": {} } , ${members}}`;
    case "incidentio":
      return `{ "event_type" : "public_incident.incident_created_v2", ${members} }`;
    default:
      return `{ ${members} ,\t"event_type": "alert.fired" }`;
  }
}

// WebhookRequest variants: the same requests as the ingest domain sees them.
export const signedSlackRequest = (opts?: SignOptions) => toWebhookRequest(signedSlackEvent(opts));
export const signedSlackInteractionRequest = (payload?: unknown, opts?: SignOptions) =>
  toWebhookRequest(signedSlackInteractionEvent(payload, opts));
export const signedSlackCommandRequest = (fields?: Record<string, string>, opts?: SignOptions) =>
  toWebhookRequest(signedSlackCommandEvent(fields, opts));
export const signedGithubRequest = (opts?: GithubSignOptions) => toWebhookRequest(signedGithubEvent(opts));
export const signedPagerDutyRequest = (opts?: PagerDutySignOptions) =>
  toWebhookRequest(signedPagerDutyEvent(opts));
export const signedIncidentioRequest = (opts?: IncidentioSignOptions) =>
  toWebhookRequest(signedIncidentioEvent(opts));
export const signedJiraRequest = (opts?: SignOptions & { identifier?: string }) =>
  toWebhookRequest(signedJiraEvent(opts));
export const signedNotionRequest = (opts?: SignOptions) => toWebhookRequest(signedNotionEvent(opts));
export const signedGenericRequest = (source?: string, opts?: GenericSignOptions) =>
  toWebhookRequest(signedGenericEvent(source, opts));
