import { toDeployedApiGatewayEvent } from "../../local/samples/api-gateway-v2-event";
import {
  buildSampleWebhooks,
  type SampleSecrets,
  type SampleWebhook,
} from "../../local/samples/sample-webhooks";
import { fromApiGatewayEvent } from "../../shared/http/webhook-request";
import type { ProviderName } from "../../shared/providers/provider";
import { matchRoute, PROVIDERS } from "../../shared/providers/registry";
import type { SoakOptions } from "./options";
import { choose, pick } from "./random";

/** What the pipeline should do with a webhook: deliver it, record it unrouted, or refuse it (401). */
export type WebhookClass = "routable" | "unknown-team" | "bad-signature";

/** A first delivery, or a provider sending the same delivery again. */
export type SendKind = "original" | "duplicate" | "slack-retry";

export interface SoakWebhook {
  seq: number;
  cls: WebhookClass;
  kind: SendKind;
  provider: ProviderName;
  /** `provider:delivery_key`: what the router's idempotency guard and the agent's records key on. */
  key: string;
  path: string;
  headers: Record<string, string>;
  body: string;
}

/** A channel no team claims: its events are acknowledged and recorded as unrouted. */
const UNCLAIMED_SLACK_CHANNEL = "C0SOAKNOBODY";
/** How many recent deliveries a duplicate or a Slack retry is drawn from. */
const RECENT = 200;

/** The delivery key exactly as ingest derives it: the provider's own parser on the request. */
function deliveryKey(sample: SampleWebhook): string {
  const route = matchRoute(sample.path);
  const parsed =
    route && PROVIDERS[route.provider].parse(fromApiGatewayEvent(toDeployedApiGatewayEvent(sample)), route);
  if (!route || parsed?.kind !== "events")
    throw new Error(`sample ${sample.name} does not parse as an event`);
  return `${route.provider}:${parsed.events[0]!.deliveryKey}`;
}

/** Swaps the case of the body's last letter: the content an attacker changed after signing. */
function tamper(body: string): string {
  const index = body.search(/[A-Za-z][^A-Za-z]*$/);
  const letter = body[index]!;
  const swapped = letter === letter.toLowerCase() ? letter.toUpperCase() : letter.toLowerCase();
  return `${body.slice(0, index)}${swapped}${body.slice(index + 1)}`;
}

/**
 * The soak's webhooks, built when sent (Slack and incident.io sign a timestamp that must be fresh):
 * realistic signed samples of every provider with their own delivery ids, mixed with unknown-team
 * events, tampered ones and providers' resends of a recent delivery.
 */
export class WebhookMix {
  private readonly recent: SoakWebhook[] = [];
  private readonly recentSlackEvents: SoakWebhook[] = [];

  constructor(
    private readonly secrets: SampleSecrets,
    private readonly mix: SoakOptions["mix"],
    private readonly random: () => number,
  ) {}

  next(seq: number): SoakWebhook {
    const { duplicate, slackRetry, unknownTeam, badSignature } = this.mix;
    const kind = choose(
      this.random,
      [
        [duplicate, "duplicate"],
        [slackRetry, "slack-retry"],
        [unknownTeam, "unknown-team"],
        [badSignature, "bad-signature"],
      ] as const,
      "routable",
    );
    if (kind === "duplicate" && this.recent.length > 0) {
      return { ...pick(this.random, this.recent), seq, kind: "duplicate" };
    }
    if (kind === "slack-retry" && this.recentSlackEvents.length > 0) {
      const original = pick(this.random, this.recentSlackEvents);
      const headers = {
        ...original.headers,
        "x-slack-retry-num": "1",
        "x-slack-retry-reason": "http_timeout",
      };
      return { ...original, seq, kind: "slack-retry", headers };
    }
    if (kind === "unknown-team") {
      const samples = buildSampleWebhooks(this.secrets, { slackChannel: UNCLAIMED_SLACK_CHANNEL });
      return this.original(
        seq,
        "unknown-team",
        pick(
          this.random,
          samples.filter((s) => s.provider === "slack"),
        ),
      );
    }
    const sample = pick(this.random, buildSampleWebhooks(this.secrets));
    if (kind === "bad-signature") {
      const webhook = this.original(seq, "bad-signature", sample);
      return { ...webhook, body: tamper(webhook.body) };
    }
    const webhook = this.original(seq, "routable", sample);
    this.remember(this.recent, webhook);
    if (sample.name === "slack-events") this.remember(this.recentSlackEvents, webhook);
    return webhook;
  }

  private original(seq: number, cls: WebhookClass, sample: SampleWebhook): SoakWebhook {
    // The Jira sample's id is its timestamp in seconds; a real Jira numbers each delivery.
    if (sample.provider === "jira")
      sample.headers["x-atlassian-webhook-identifier"] = String(1_000_000 + seq);
    return {
      seq,
      cls,
      kind: "original",
      provider: sample.provider,
      key: deliveryKey(sample),
      path: sample.path,
      headers: sample.headers,
      body: sample.body,
    };
  }

  private remember(list: SoakWebhook[], webhook: SoakWebhook): void {
    list.push(webhook);
    if (list.length > RECENT) list.shift();
  }
}
