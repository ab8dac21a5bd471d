import { randomUUID } from "node:crypto";
import { type PayloadDigest, payloadDigest } from "../../local/faults/soak-agent";
import { toDeployedApiGatewayEvent } from "../../local/samples/api-gateway-v2-event";
import {
  buildSampleWebhooks,
  type SampleSecrets,
  type SampleWebhook,
} from "../../local/samples/sample-webhooks";
import { namespacedDeliveryKey } from "../../shared/envelope/delivery-key";
import { FORM_MEDIA_TYPE, mediaTypeOf } from "../../shared/http/media-type";
import { fromApiGatewayEvent } from "../../shared/http/webhook-request";
import type { ProviderName } from "../../shared/providers/provider";
import { matchRoute, PROVIDERS } from "../../shared/providers/registry";
import type { MixSlot, SlotKind } from "./mix-plan";
import { pick } from "./random";
import { type ShapedRequest, ShapedWebhooks } from "./shaped-webhooks";
import { SAME_ID_SOURCES } from "./teams";

/**
 * What the pipeline should do with a webhook: deliver it to the healthy team, record it unrouted
 * (no team claims it; its identifier cannot even be looked up), refuse it (401), or hold it back
 * for the team whose agent is down.
 */
export type WebhookClass = "routable" | "unknown-team" | "oversized-id" | "bad-signature" | "broken-team";

/** A first delivery, or a provider sending the same delivery again. */
export type SendKind = "original" | "duplicate" | "slack-retry";

/** What the payload is: a sample, one written by hand, one ingest stores in S3, 5,000 levels deep, or a same-id alert. */
export type PayloadShape = "sample" | "odd" | "large" | "deep" | "same-id";

/** One event ingest should queue from a webhook. */
export interface SoakEvent {
  /** The namespaced delivery key (`<route>[:<source>]:<id>`): what the router's guard and the agent key on. */
  key: string;
  /** The payload text the sender signed (the agent must get exactly these bytes). */
  payload: PayloadDigest;
}

export interface SoakWebhook {
  seq: number;
  cls: WebhookClass;
  kind: SendKind;
  shape: PayloadShape;
  provider: ProviderName;
  path: string;
  headers: Record<string, string>;
  body: string;
  /** In the order ingest answers their ids (several for a PagerDuty V2 `messages` body). */
  events: SoakEvent[];
  /** The alert id a same-id group's webhooks share. */
  group?: string;
}

/** A channel no team claims: its events are acknowledged and recorded as unrouted. */
const UNCLAIMED_SLACK_CHANNEL = "C0SOAKNOBODY";
/** How many recent deliveries a duplicate or a Slack retry is drawn from. */
const RECENT = 200;

/**
 * The delivery keys exactly as ingest derives them (the provider's own parser on the request), and
 * whether the events name any routing identifier at all (Notion's do not: no team can claim them).
 */
function parsed(sample: SampleWebhook): { keys: string[]; identified: boolean } {
  const route = matchRoute(sample.path);
  const provider = route && PROVIDERS[route.provider];
  const outcome = provider?.parse(fromApiGatewayEvent(toDeployedApiGatewayEvent(sample)), route!);
  if (!route || !provider || outcome?.kind !== "events")
    throw new Error(`sample ${sample.name} does not parse as an event`);
  return {
    keys: outcome.events.map((event) =>
      namespacedDeliveryKey({ route: route.route, source: route.source, delivery_key: event.deliveryKey }),
    ),
    identified: outcome.events.some(
      (event) => Object.keys(event.identifiers ?? provider.identifiers(event.payload)).length > 0,
    ),
  };
}

/** The payload a sender signs: Slack interactions carry it in the form's `payload` field, the rest are their body. */
const signedPayloadText = (sample: SampleWebhook): string =>
  mediaTypeOf(sample.headers["content-type"]) === FORM_MEDIA_TYPE
    ? (new URLSearchParams(sample.body).get("payload") ?? "")
    : sample.body;

/** Swaps the case of the body's last letter: the content an attacker changed after signing. */
function tamper(body: string): string {
  const index = body.search(/[A-Za-z][^A-Za-z]*$/);
  const letter = body[index]!;
  const swapped = letter === letter.toLowerCase() ? letter.toUpperCase() : letter.toLowerCase();
  return `${body.slice(0, index)}${swapped}${body.slice(index + 1)}`;
}

type Build = (seq: number) => SoakWebhook | undefined;

/**
 * The soak's webhooks in the planned order (mix-plan.ts), each built when sent (Slack and
 * incident.io sign a timestamp that must be fresh): realistic signed samples of every provider with
 * their own delivery ids, mixed with unknown-team events, tampered ones, providers' resends of a
 * recent delivery, hand-written payloads, same-id alerts from several sources, and storms for the
 * team whose agent is down (planned but not sent when `sendBrokenTeam` is off).
 */
export class WebhookMix {
  private readonly recent: SoakWebhook[] = [];
  private readonly recentSlackEvents: SoakWebhook[] = [];
  /** The rest of a slot of several webhooks, sent before the next slot. */
  private readonly pending: Build[] = [];
  private nextSlot = 0;
  private readonly shaped: ShapedWebhooks;

  constructor(
    private readonly secrets: SampleSecrets,
    private readonly plan: readonly MixSlot[],
    private readonly settings: { largePayloadBytes: number; sendBrokenTeam: boolean },
    private readonly random: () => number,
  ) {
    this.shaped = new ShapedWebhooks(secrets, random);
  }

  /** The webhook to send as number `seq`, or undefined when its slot is planned but not sent. */
  next(seq: number): SoakWebhook | undefined {
    if (this.pending.length === 0) {
      const slot = this.plan[this.nextSlot++] ?? { kind: "routable", size: 1 };
      const group = slot.kind === "same-id" ? `soak-alert-${randomUUID()}` : undefined;
      for (let member = 0; member < slot.size; member++) {
        this.pending.push((s) => this.build(slot.kind, s, member, group));
      }
    }
    return this.pending.shift()!(seq);
  }

  private build(kind: SlotKind, seq: number, member: number, group?: string): SoakWebhook | undefined {
    switch (kind) {
      case "duplicate":
        if (this.recent.length === 0) break;
        return { ...pick(this.random, this.recent), seq, kind: "duplicate" };
      case "slack-retry": {
        if (this.recentSlackEvents.length === 0) break;
        const original = pick(this.random, this.recentSlackEvents);
        const headers = {
          ...original.headers,
          "x-slack-retry-num": "1",
          "x-slack-retry-reason": "http_timeout",
        };
        return { ...original, seq, kind: "slack-retry", headers };
      }
      case "unknown-team": {
        const samples = buildSampleWebhooks(this.secrets, { slackChannel: UNCLAIMED_SLACK_CHANNEL });
        const slack = samples.filter((s) => s.provider === "slack");
        return this.original(seq, "unknown-team", "sample", { sample: pick(this.random, slack) });
      }
      case "bad-signature": {
        const webhook = this.original(seq, "bad-signature", "sample", { sample: this.sample() });
        return { ...webhook, body: tamper(webhook.body) };
      }
      case "odd":
        return this.routable(seq, "odd", this.shaped.odd());
      case "large":
        return this.routable(seq, "large", this.shaped.large(this.settings.largePayloadBytes));
      case "deep":
        return this.routable(seq, "deep", this.shaped.deep());
      case "same-id":
        return {
          ...this.routable(seq, "same-id", this.shaped.sameId(group!, SAME_ID_SOURCES[member]!)),
          group: group!,
        };
      case "oversized-id":
        return this.original(seq, "oversized-id", "sample", this.shaped.oversizedIdentifier());
      case "broken-team":
        if (!this.settings.sendBrokenTeam) return undefined;
        return this.original(seq, "broken-team", "sample", this.shaped.brokenTeam());
      case "routable":
        break;
    }
    const sample = this.sample();
    // A provider whose events carry no identifier is recorded unrouted, like an unclaimed channel.
    if (!parsed(sample).identified) return this.original(seq, "unknown-team", "sample", { sample });
    return this.routable(seq, "sample", { sample });
  }

  private sample(): SampleWebhook {
    return pick(this.random, buildSampleWebhooks(this.secrets));
  }

  /** A healthy-team delivery, remembered so that a provider may send it again. */
  private routable(seq: number, shape: PayloadShape, request: ShapedRequest): SoakWebhook {
    const webhook = this.original(seq, "routable", shape, request);
    this.remember(this.recent, webhook);
    if (request.sample.name === "slack-events") this.remember(this.recentSlackEvents, webhook);
    return webhook;
  }

  private original(seq: number, cls: WebhookClass, shape: PayloadShape, request: ShapedRequest): SoakWebhook {
    const { sample } = request;
    // The Jira sample's id is its timestamp in seconds; a real Jira numbers each delivery.
    if (sample.provider === "jira")
      sample.headers["x-atlassian-webhook-identifier"] = String(1_000_000 + seq);
    const { keys } = parsed(sample);
    const texts = request.payloadTexts ?? [signedPayloadText(sample)];
    if (texts.length !== keys.length) {
      throw new Error(`sample ${sample.name} holds ${keys.length} events but ${texts.length} payloads`);
    }
    return {
      seq,
      cls,
      kind: "original",
      shape,
      provider: sample.provider,
      path: sample.path,
      headers: sample.headers,
      body: sample.body,
      events: keys.map((key, i) => ({ key, payload: payloadDigest(texts[i]!) })),
    };
  }

  private remember(list: SoakWebhook[], webhook: SoakWebhook): void {
    list.push(webhook);
    if (list.length > RECENT) list.shift();
  }
}
