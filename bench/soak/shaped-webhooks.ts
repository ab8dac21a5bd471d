import { randomUUID } from "node:crypto";
import {
  buildSampleWebhooks,
  type SampleSecrets,
  type SampleWebhook,
} from "../../local/samples/sample-webhooks";
import {
  deepGithubBody,
  largeGithubBody,
  oddGenericBody,
  oddGithubBody,
  oddSlackEventBody,
  oddSlackInteractionPayload,
  pagerDutyV2Body,
  pagerDutyV2Messages,
} from "./payloads";
import { pick } from "./random";
import { withBody } from "./resign";
import { BROKEN, HEALTHY, type SAME_ID_SOURCES } from "./teams";

/** A signed request, and the payload texts its sender signed when they are not simply its body. */
export interface ShapedRequest {
  sample: SampleWebhook;
  payloadTexts?: string[];
}

/** Longer than any DynamoDB key (2,048 bytes): such an identifier can only be skipped for lookup. */
export const OVERSIZED_IDENTIFIER_LENGTH = 3_000;
/** Deeper than any recursive JSON parser or serialiser goes without running out of stack. */
export const DEEP_PAYLOAD_LEVELS = 5_000;

const named = (samples: readonly SampleWebhook[], name: string): SampleWebhook => {
  const sample = samples.find((s) => s.name === name);
  if (!sample) throw new Error(`no ${name} sample`);
  return sample;
};

/** A JSON sample with the string at `path` (whose parents exist) replaced, re-signed. */
function withField(sample: SampleWebhook, secrets: SampleSecrets, path: readonly string[], value: string) {
  const body = JSON.parse(sample.body) as Record<string, unknown>;
  const parent = path.slice(0, -1).reduce((node, key) => node[key] as Record<string, unknown>, body);
  parent[path.at(-1)!] = value;
  return withBody(sample, JSON.stringify(body), secrets);
}

/**
 * The soak's hand-made webhooks, each freshly signed from a fresh sample (new delivery ids and
 * timestamps) so it is a delivery of its own.
 */
export class ShapedWebhooks {
  constructor(
    private readonly secrets: SampleSecrets,
    private readonly random: () => number,
  ) {}

  private samples(options: Parameters<typeof buildSampleWebhooks>[1] = {}) {
    return buildSampleWebhooks(this.secrets, options);
  }

  /** For the healthy team, written as no serialiser writes JSON (see payloads.ts). */
  odd(): ShapedRequest {
    const samples = this.samples();
    const slack = named(samples, "slack-events");
    const epoch = Number(slack.headers["x-slack-request-timestamp"]);
    const variants: Array<() => ShapedRequest> = [
      () => ({ sample: withBody(named(samples, "github"), oddGithubBody(HEALTHY.repo), this.secrets) }),
      () => ({
        sample: withBody(
          named(samples, "generic"),
          oddGenericBody(`odd-${randomUUID()}`, HEALTHY.service),
          this.secrets,
        ),
      }),
      () => ({
        sample: withBody(
          slack,
          oddSlackEventBody(`EvODD${randomUUID().slice(0, 8)}`, HEALTHY.slackChannel, epoch),
          this.secrets,
        ),
      }),
      () => {
        const payload = oddSlackInteractionPayload(
          `${epoch}.odd.${randomUUID()}`,
          HEALTHY.slackChannel,
          epoch,
        );
        const body = `payload=${encodeURIComponent(payload)}`;
        return { sample: withBody(named(samples, "slack-interactions"), body, this.secrets) };
      },
      () => {
        const ids: [string, string] = [`odd-${randomUUID()}`, `odd-${randomUUID()}`];
        const messages = pagerDutyV2Messages(ids, HEALTHY.pagerdutyService);
        return {
          sample: withBody(named(samples, "pagerduty"), pagerDutyV2Body(messages), this.secrets),
          payloadTexts: messages,
        };
      },
    ];
    return pick(this.random, variants)();
  }

  /** A GitHub body of about `bytes`: above the queue's message limit, ingest stores it in S3. */
  large(bytes: number): ShapedRequest {
    return {
      sample: withBody(named(this.samples(), "github"), largeGithubBody(HEALTHY.repo, bytes), this.secrets),
    };
  }

  deep(): ShapedRequest {
    const body = deepGithubBody(HEALTHY.repo, DEEP_PAYLOAD_LEVELS);
    return { sample: withBody(named(this.samples(), "github"), body, this.secrets) };
  }

  /** A repository or channel name no key can hold: the event must end unrouted, alone. */
  oversizedIdentifier(): ShapedRequest {
    const samples = this.samples();
    const long = (first: string) => first + "x".repeat(OVERSIZED_IDENTIFIER_LENGTH - first.length);
    const sample =
      this.random() < 0.5
        ? withField(named(samples, "github"), this.secrets, ["repository", "full_name"], long("soak/"))
        : withField(named(samples, "slack-events"), this.secrets, ["event", "channel"], long("C"));
    return { sample };
  }

  /**
   * One alert from `source` with the group's id in the body (no delivery header), byte for byte
   * what every other same-id source sends: only the route's source tells the two deliveries apart.
   */
  sameId(group: string, source: (typeof SAME_ID_SOURCES)[number]): ShapedRequest {
    const generic = named(this.samples({ genericSource: source }), "generic");
    const { "x-webhook-id": _deliveryHeader, ...headers } = generic.headers;
    const body = `{"id":${JSON.stringify(group)},"event_type":"alert.triggered","service":${JSON.stringify(HEALTHY.service)},"summary":"error rate above 5% 🚨"}`;
    return { sample: withBody({ ...generic, headers }, body, this.secrets) };
  }

  /** For the team whose agent is down: its Slack channel or its repository. */
  brokenTeam(): ShapedRequest {
    const slack = this.samples({ slackChannel: BROKEN.slackChannel }).filter((s) => s.provider === "slack");
    const github = withField(
      named(this.samples(), "github"),
      this.secrets,
      ["repository", "full_name"],
      BROKEN.repo,
    );
    return { sample: pick(this.random, [...slack, github]) };
  }
}
