import { randomUUID } from "node:crypto";
import { signHex } from "../../shared/crypto/hex-hmac-signature";
import { standardWebhookHeaders } from "../../shared/crypto/standard-webhooks";
import { GENERIC_SIGNATURE } from "../../shared/providers/generic";
import { GITHUB_SIGNATURE } from "../../shared/providers/github";
import { JIRA_SIGNATURE } from "../../shared/providers/jira";
import { PAGERDUTY_SIGNATURE } from "../../shared/providers/pagerduty";
import type { ProviderName } from "../../shared/providers/provider";
import { signSlack } from "../../shared/providers/slack";
import { parseSecretList, parseSecretMap } from "../../shared/secrets/secret-values";

/**
 * Realistic, freshly signed webhook requests for every provider (the routing identifiers of seed
 * 000: Slack channel C0A4967KRBM, repo incidentfox/mono-repo, PagerDuty service PXXXXXX, incident.io
 * alert source 01KEGMSPPCKFPYHT2ZSNQ7WY3J), signed with the production signing helpers so they
 * verify exactly as a provider's would. Used by `npm run events` and reusable by the local runner.
 */
export interface SampleWebhook {
  /** File-friendly name: `slack-events`, `github`, … */
  name: string;
  provider: ProviderName;
  /** The route template as deployed (`/webhooks/generic/{source}`). */
  route: string;
  /** The concrete path (`/webhooks/generic/demo`). */
  path: string;
  pathParameters?: Record<string, string>;
  headers: Record<string, string>;
  body: string;
}

/** The secret values to sign with: the `*_SECRET` environment variables' format (JSON array allowed). */
export interface SampleSecrets {
  SLACK_SIGNING_SECRET: string;
  GITHUB_WEBHOOK_SECRET: string;
  PAGERDUTY_WEBHOOK_SECRET: string;
  INCIDENTIO_WEBHOOK_SECRET: string;
  JIRA_WEBHOOK_SECRET: string;
  /** JSON object: source name → secret or array of secrets. */
  GENERIC_WEBHOOK_SECRETS: string;
}

/** A sender signs with one secret: during rotation, the newest (last) of the active ones. */
function signingSecret(name: string, value: string): string {
  const secret = parseSecretList(value).at(-1);
  if (!secret) throw new Error(`${name} is empty: nothing to sign the sample with`);
  return secret;
}

/** The generic source to sign for and its secret (`source` if given, else the first one configured). */
function genericSource(value: string, source?: string): { source: string; secret: string } {
  const sources = parseSecretMap(value);
  const name = source ?? [...sources.keys()][0];
  const secrets = name === undefined ? undefined : sources.get(name);
  if (name === undefined || !secrets?.length) {
    throw new Error(`GENERIC_WEBHOOK_SECRETS has no secret for source '${source ?? "(any)"}'`);
  }
  return { source: name, secret: secrets.at(-1)! };
}

const json = (value: unknown) => JSON.stringify(value);

export function buildSampleWebhooks(
  secrets: SampleSecrets,
  /** `slackChannel`: the channel the Slack samples come from (one no team claims makes them unrouted). */
  options: { now?: Date; genericSource?: string; slackChannel?: string } = {},
): SampleWebhook[] {
  const now = options.now ?? new Date();
  const epoch = Math.floor(now.getTime() / 1000);
  const iso = now.toISOString();
  const common = { "user-agent": "webhook-pipeline-sample/1.0" };

  const channel = options.slackChannel ?? "C0A4967KRBM";
  const slackSecret = signingSecret("SLACK_SIGNING_SECRET", secrets.SLACK_SIGNING_SECRET);
  const slackEvents = json({
    token: "unused-verification-token",
    team_id: "T0SAMPLE1",
    api_app_id: "A0SAMPLE1",
    type: "event_callback",
    event_id: `Ev${randomUUID().replaceAll("-", "").slice(0, 10).toUpperCase()}`,
    event_time: epoch,
    event: {
      type: "app_mention",
      user: "U0SAMPLE1",
      text: "<@U0BOT> investigate the error spike on checkout",
      ts: `${epoch}.000100`,
      channel,
      event_ts: `${epoch}.000100`,
    },
  });
  const slackInteraction = `payload=${encodeURIComponent(
    json({
      type: "block_actions",
      trigger_id: `${epoch}.sample.${randomUUID().slice(0, 8)}`,
      user: { id: "U0SAMPLE1" },
      channel: { id: channel },
      container: { type: "message", channel_id: channel, message_ts: `${epoch}.000100` },
      actions: [{ action_id: "ack", action_ts: `${epoch}.000200`, type: "button", value: "ack" }],
    }),
  )}`;
  const slackHeaders = (body: string, contentType: string) => ({
    ...common,
    "content-type": contentType,
    "x-slack-request-timestamp": String(epoch),
    "x-slack-signature": signSlack(slackSecret, epoch, body),
  });

  const githubBody = json({
    action: "opened",
    number: 42,
    pull_request: {
      number: 42,
      title: "Fix checkout timeout",
      state: "open",
      html_url: "https://github.com/incidentfox/mono-repo/pull/42",
    },
    repository: { id: 1, name: "mono-repo", full_name: "incidentfox/mono-repo", private: true },
    sender: { login: "octocat" },
  });

  const pagerdutyBody = json({
    event: {
      id: `01${randomUUID().replaceAll("-", "").slice(0, 24).toUpperCase()}`,
      event_type: "incident.triggered",
      resource_type: "incident",
      occurred_at: iso,
      agent: null,
      client: null,
      data: {
        id: "Q0SAMPLE1",
        type: "incident",
        title: "Checkout error rate above 5%",
        status: "triggered",
        urgency: "high",
        service: { id: "PXXXXXX", type: "service_reference", summary: "checkout" },
      },
    },
  });

  const incidentioType = "private_incident.incident_created_v2";
  const incidentioBody = json({
    event_type: incidentioType,
    [incidentioType]: {
      id: "01SAMPLEINCIDENT0000000001",
      alert_source_config_id: "01KEGMSPPCKFPYHT2ZSNQ7WY3J",
    },
  });

  const jiraBody = json({
    timestamp: now.getTime(),
    webhookEvent: "jira:issue_created",
    issue: {
      id: "10001",
      key: "OPS-1",
      fields: { summary: "Checkout errors", components: [{ name: "payment" }] },
    },
  });

  const generic = genericSource(secrets.GENERIC_WEBHOOK_SECRETS, options.genericSource);
  // Written as a sender writes it, not by JSON.stringify: its own spacing and a 64-bit alert id no
  // JavaScript number holds, so a local run shows these bytes reaching the agent unchanged.
  const genericBody = `{ "event_type": "alert.triggered", "event_id": "alert-${randomUUID()}",
  "alert_id": 12345678901234567890, "service": "checkout", "coralogix_team_name": "otel-demo",
  "summary": "p99 latency above 2 s" }`;

  const hex = (name: string, value: string, body: string, prefix: string) =>
    signHex(signingSecret(name, value), body, prefix);

  return [
    {
      name: "slack-events",
      provider: "slack",
      route: "/webhooks/slack/events",
      path: "/webhooks/slack/events",
      headers: slackHeaders(slackEvents, "application/json"),
      body: slackEvents,
    },
    {
      name: "slack-interactions",
      provider: "slack",
      route: "/webhooks/slack/interactions",
      path: "/webhooks/slack/interactions",
      headers: slackHeaders(slackInteraction, "application/x-www-form-urlencoded"),
      body: slackInteraction,
    },
    {
      name: "github",
      provider: "github",
      route: "/webhooks/github",
      path: "/webhooks/github",
      headers: {
        ...common,
        "content-type": "application/json",
        "x-github-event": "pull_request",
        "x-github-delivery": randomUUID(),
        "x-github-hook-id": "123456",
        [GITHUB_SIGNATURE.header.toLowerCase()]: hex(
          "GITHUB_WEBHOOK_SECRET",
          secrets.GITHUB_WEBHOOK_SECRET,
          githubBody,
          GITHUB_SIGNATURE.prefix,
        ),
      },
      body: githubBody,
    },
    {
      name: "pagerduty",
      provider: "pagerduty",
      route: "/webhooks/pagerduty",
      path: "/webhooks/pagerduty",
      headers: {
        ...common,
        "content-type": "application/json",
        "x-webhook-id": randomUUID(),
        [PAGERDUTY_SIGNATURE.header.toLowerCase()]: hex(
          "PAGERDUTY_WEBHOOK_SECRET",
          secrets.PAGERDUTY_WEBHOOK_SECRET,
          pagerdutyBody,
          PAGERDUTY_SIGNATURE.prefix,
        ),
      },
      body: pagerdutyBody,
    },
    {
      name: "incidentio",
      provider: "incidentio",
      route: "/webhooks/incidentio",
      path: "/webhooks/incidentio",
      headers: {
        ...common,
        "content-type": "application/json",
        ...standardWebhookHeaders(
          signingSecret("INCIDENTIO_WEBHOOK_SECRET", secrets.INCIDENTIO_WEBHOOK_SECRET),
          `msg_${randomUUID().replaceAll("-", "")}`,
          incidentioBody,
          now,
        ),
      },
      body: incidentioBody,
    },
    {
      name: "jira",
      provider: "jira",
      route: "/webhooks/jira",
      path: "/webhooks/jira",
      headers: {
        ...common,
        "content-type": "application/json",
        "x-atlassian-webhook-identifier": String(epoch),
        [JIRA_SIGNATURE.header.toLowerCase()]: hex(
          "JIRA_WEBHOOK_SECRET",
          secrets.JIRA_WEBHOOK_SECRET,
          jiraBody,
          JIRA_SIGNATURE.prefix,
        ),
      },
      body: jiraBody,
    },
    {
      name: "generic",
      provider: "generic",
      route: "/webhooks/generic/{source}",
      path: `/webhooks/generic/${generic.source}`,
      pathParameters: { source: generic.source },
      headers: {
        ...common,
        "content-type": "application/json",
        "x-webhook-id": randomUUID(),
        [GENERIC_SIGNATURE.header.toLowerCase()]: signHex(
          generic.secret,
          genericBody,
          GENERIC_SIGNATURE.prefix,
        ),
      },
      body: genericBody,
    },
  ];
}
