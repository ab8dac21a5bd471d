import { randomUUID } from "node:crypto";
import { DEMO_TEAM } from "../../local/demo-team";
import { signHex } from "../../shared/crypto/hex-hmac-signature";
import type { ProviderName } from "../../shared/providers/provider";
import { signSlack } from "../../shared/providers/slack";
import { githubPushOfAtLeast, slackAppMention } from "../lib/payloads";

/**
 * The traffic cases `npm run cost` can price: realistic bodies (bench/lib/payloads.ts) from the
 * identifiers the local pipeline's demo team claims, so every event is routed and delivered, each
 * freshly signed with a delivery id of its own.
 */

export interface SignedWebhook {
  path: string;
  headers: Record<string, string>;
  body: string;
}

export interface CostCase {
  name: string;
  /** The column heading. */
  label: string;
  provider: ProviderName;
  build(secrets: { slack: string; github: string }, now: Date): SignedWebhook;
}

const SLACK_CHANNEL = DEMO_TEAM.routing.slack_channel_ids![0]!;
const GITHUB_REPO = DEMO_TEAM.routing.github_repos![0]!;

/** A Slack `app_mention` in the demo team's channel: about 1 KB. */
function slackEvent(secret: string, now: Date): SignedWebhook {
  const payload = slackAppMention();
  payload.event.channel = SLACK_CHANNEL;
  payload.event_id = `Ev${randomUUID().replaceAll("-", "").slice(0, 10).toUpperCase()}`;
  payload.event_time = Math.floor(now.getTime() / 1000);
  const body = JSON.stringify(payload);
  const timestamp = Math.floor(now.getTime() / 1000);
  return {
    path: "/webhooks/slack/events",
    headers: {
      "content-type": "application/json",
      "user-agent": "Slackbot 1.0 (+https://api.slack.com/robots)",
      "x-slack-request-timestamp": String(timestamp),
      "x-slack-signature": signSlack(secret, timestamp, body),
    },
    body,
  };
}

/** The smallest `push` to the demo team's repository of at least 25 KiB. */
function githubPushBody(): string {
  const [owner, name] = GITHUB_REPO.split("/") as [string, string];
  const push = githubPushOfAtLeast(25 * 1024, (payload) => {
    Object.assign(payload.repository, { full_name: GITHUB_REPO, name });
    Object.assign(payload.repository.owner, { login: owner });
  });
  return JSON.stringify(push);
}

let githubBody: string | undefined;

function githubEvent(secret: string): SignedWebhook {
  githubBody ??= githubPushBody();
  return {
    path: "/webhooks/github",
    headers: {
      "content-type": "application/json",
      "user-agent": "GitHub-Hookshot/5a1b2c3",
      "x-github-event": "push",
      "x-github-delivery": randomUUID(),
      "x-github-hook-id": "292430182",
      "x-hub-signature-256": signHex(secret, githubBody, "sha256="),
    },
    body: githubBody,
  };
}

export const COST_CASES: readonly CostCase[] = [
  {
    name: "slack",
    label: "Slack 1 KB",
    provider: "slack",
    build: (secrets, now) => slackEvent(secrets.slack, now),
  },
  {
    name: "github",
    label: "GitHub 25 KB",
    provider: "github",
    build: (secrets) => githubEvent(secrets.github),
  },
];
