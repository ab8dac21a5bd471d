import { describe, expect, it } from "vitest";
import { BROKEN_TEAM_STORM, type MixSlot, planMix, type SlotKind } from "../../../bench/soak/mix-plan";
import { parseSoakOptions, type SoakOptions } from "../../../bench/soak/options";
import { seededRandom } from "../../../bench/soak/random";
import { DEEP_PAYLOAD_LEVELS, OVERSIZED_IDENTIFIER_LENGTH } from "../../../bench/soak/shaped-webhooks";
import { BROKEN, SAME_ID_SOURCES, SOAK_SECRETS } from "../../../bench/soak/teams";
import { type SoakWebhook, WebhookMix } from "../../../bench/soak/webhooks";
import { payloadDigest } from "../../../local/faults/soak-agent";
import { toDeployedApiGatewayEvent } from "../../../local/samples/api-gateway-v2-event";
import { fromApiGatewayEvent } from "../../../shared/http/webhook-request";
import { matchRoute, PROVIDERS } from "../../../shared/providers/registry";
import { SecretReader } from "../../../shared/secrets/secret-reader";

const options = (args: string[] = []) => parseSoakOptions(args) as SoakOptions;
const plan = (mix: SoakOptions["mix"], events: number, seed = 1) =>
  planMix(mix, events, SAME_ID_SOURCES.length, seededRandom(seed), seededRandom(seed + 1));
const webhooksOf = (slots: readonly MixSlot[], kind: SlotKind) =>
  slots.filter((s) => s.kind === kind).reduce((sum, s) => sum + s.size, 0);

describe("the soak's mix plan", () => {
  it("sends exact shares, at least one of every kind asked for, the rest routable", () => {
    const { mix } = options();
    const slots = plan(mix, 1_000);
    expect(slots.reduce((sum, s) => sum + s.size, 0)).toBe(1_000);
    expect(webhooksOf(slots, "duplicate")).toBe(50);
    expect(webhooksOf(slots, "large")).toBe(3);
    expect(webhooksOf(slots, "same-id")).toBe(40);
    expect(webhooksOf(slots, "broken-team")).toBe(50);
    const few = plan({ ...mix, largePayloads: 0.0001, deepPayloads: 0 }, 100);
    expect(webhooksOf(few, "large")).toBe(1);
    expect(webhooksOf(few, "deep")).toBe(0);
  });

  it("sends the broken team's webhooks in storms, and the same seed gives the same plan", () => {
    const { mix } = options();
    const slots = plan(mix, 2_000);
    expect(slots.filter((s) => s.kind === "broken-team").every((s) => s.size === BROKEN_TEAM_STORM)).toBe(
      true,
    );
    expect(plan(mix, 2_000)).toEqual(slots);
    expect(plan(mix, 2_000, 7)).not.toEqual(slots);
  });

  it("refuses shares that leave less than half the webhooks plain", () => {
    expect(() => parseSoakOptions(["--odd-payloads", "0.3"])).toThrowError(/add up to 0\.5\d+/);
    expect(parseSoakOptions(["--help"])).toBe("help");
    expect(options(["--no-broken-team"]).sendBrokenTeam).toBe(false);
  });
});

/** The secrets each provider's ingest would load, from the soak's own values. */
const reader = new SecretReader({ ...SOAK_SECRETS });

async function verifies(webhook: SoakWebhook): Promise<boolean> {
  const route = matchRoute(webhook.path)!;
  const request = fromApiGatewayEvent(
    toDeployedApiGatewayEvent({ ...webhook, name: "soak", route: route.route }),
  );
  const provider = PROVIDERS[route.provider];
  return provider.verify(request, await provider.loadSecrets(reader, route), new Date()).ok;
}

describe("the soak's webhooks", () => {
  const one = (kind: SlotKind, size = 1): MixSlot => ({ kind, size });
  const build = (slots: MixSlot[], sendBrokenTeam = true) => {
    const mix = new WebhookMix(
      SOAK_SECRETS,
      slots,
      { largePayloadBytes: 100_000, sendBrokenTeam },
      seededRandom(3),
    );
    const count = slots.reduce((sum, s) => sum + s.size, 0);
    return Array.from({ length: count }, (_, seq) => mix.next(seq));
  };

  it("are signed for their own bytes, keyed by route and source, with the digest of what was signed", async () => {
    const webhooks = build(
      (["routable", "odd", "odd", "odd", "odd", "odd", "odd", "large", "deep", "oversized-id"] as const).map(
        (k) => one(k),
      ),
    ) as SoakWebhook[];
    for (const webhook of webhooks) {
      expect(await verifies(webhook), `${webhook.shape} ${webhook.path}`).toBe(true);
      for (const event of webhook.events)
        expect(event.key.startsWith(`${matchRoute(webhook.path)!.route}:`)).toBe(true);
    }
    const large = webhooks.find((w) => w.shape === "large")!;
    expect(Buffer.byteLength(large.body)).toBeGreaterThan(100_000);
    expect(large.events[0]!.payload).toEqual(payloadDigest(large.body));
    const deep = webhooks.find((w) => w.shape === "deep")!;
    expect(deep.body.match(/[[{]/g)!.length).toBeGreaterThanOrEqual(DEEP_PAYLOAD_LEVELS);
    const oversized = webhooks.find((w) => w.cls === "oversized-id")!;
    expect(oversized.body).toMatch(new RegExp(`"[^"]{${OVERSIZED_IDENTIFIER_LENGTH}}"`));
  });

  it("carry a Slack interaction's form payload and each PagerDuty V2 message as what was signed", () => {
    const odd = build(Array.from({ length: 20 }, () => one("odd"))) as SoakWebhook[];
    const interaction = odd.find((w) => w.path.endsWith("/interactions"))!;
    expect(interaction.events[0]!.payload).toEqual(
      payloadDigest(new URLSearchParams(interaction.body).get("payload")!),
    );
    const v2 = odd.find((w) => w.provider === "pagerduty")!;
    expect(v2.events).toHaveLength(2);
    for (const event of v2.events) expect(event.payload.bytes).toBeLessThan(Buffer.byteLength(v2.body));
  });

  it("send one same-id alert from every source: identical bytes, a key per source", async () => {
    const group = build([one("same-id", SAME_ID_SOURCES.length)]) as SoakWebhook[];
    expect(group.map((w) => w.path)).toEqual(SAME_ID_SOURCES.map((s) => `/webhooks/generic/${s}`));
    expect(new Set(group.map((w) => w.body)).size).toBe(1);
    expect(new Set(group.map((w) => w.events[0]!.key)).size).toBe(SAME_ID_SOURCES.length);
    expect(new Set(group.map((w) => w.group)).size).toBe(1);
    for (const webhook of group) expect(await verifies(webhook)).toBe(true);
  });

  it("send the broken team's storm for its own identifiers, or nothing in its place when switched off", () => {
    const storm = build([one("broken-team", 3), one("routable")]) as SoakWebhook[];
    expect(storm.slice(0, 3).every((w) => w.cls === "broken-team")).toBe(true);
    for (const webhook of storm.slice(0, 3)) {
      expect(webhook.body.includes(BROKEN.repo) || webhook.body.includes(BROKEN.slackChannel)).toBe(true);
    }
    const off = build([one("broken-team", 3), one("routable")], false);
    expect(off.slice(0, 3)).toEqual([undefined, undefined, undefined]);
    expect(off[3]?.cls).toBe("routable");
  });
});
