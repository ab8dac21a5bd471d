import { parseArgs } from "node:util";
import { WEBHOOK_QUEUE } from "../../shared/config/resources";
import { UsageError, wholeNumber } from "../lib/cli";
import { BROKEN_TEAM_STORM } from "./mix-plan";

/** A fault that lasts a while: `count` windows of `seconds` each, at random points of the run. */
export interface Windows {
  count: number;
  seconds: number;
}

export interface SoakOptions {
  events: number;
  /** Seconds after which no new webhook is sent, whatever is left of `events`. */
  durationSeconds: number;
  concurrency: number;
  /** New webhooks per second (0: as fast as `concurrency` allows). */
  rate: number;
  /**
   * Sending pauses while more messages than this wait on the queue: faults are injected as sending
   * progresses, so sending must not run far ahead of routing or most events are routed after them.
   */
  maxBacklog: number;
  seed: number;
  /** Seconds to wait for the queue to drain once sending is done. */
  drainTimeoutSeconds: number;
  /** Where to write the pipeline's own log (handlers at WARN) when the run ends. */
  logFile?: string;
  /** Attempts a sender makes for one webhook that gets a 5xx or no answer (providers retry too). */
  sendAttempts: number;
  /** Shares of the webhooks sent (the rest are plain samples for the healthy team). */
  mix: {
    duplicate: number;
    slackRetry: number;
    unknownTeam: number;
    badSignature: number;
    /** Hand-written payloads: big integers, odd spacing and key order, emoji, a PagerDuty V2 body. */
    oddPayloads: number;
    /** Payloads too large for one queue message: ingest stores them in S3. */
    largePayloads: number;
    /** Payloads nested 5,000 levels deep. */
    deepPayloads: number;
    /** A 3,000-character repository or Slack channel: recorded unrouted, never failing its batch. */
    oversizedIds: number;
    /** Generic alerts every same-id source sends with one id and identical bytes. */
    sameIdSources: number;
    /** The team whose agent is down, in storms of a router batch. */
    brokenTeam: number;
  };
  /** Off: the broken team's storms are planned but not sent (the same healthy traffic, for comparison). */
  sendBrokenTeam: boolean;
  /** The queue message limit ingest is given (MAX_MESSAGE_BYTES): small, so S3 payloads stay quick. */
  maxMessageBytes: number;
  faults: {
    agent500: number;
    agent429: number;
    agent400: number;
    agentHang: number;
    agentDown: Windows;
    dynamodbThrottle: number;
    dynamodbDown: Windows;
    sqsRefuse: Windows;
    routerCrashes: number;
  };
  router: {
    /** The router's function timeout (the queue's visibility timeout is six times it). */
    timeoutSeconds: number;
    agentTimeoutMs: number;
    batchSize: number;
    concurrency: number;
    maxReceiveCount: number;
  };
}

export const USAGE = `npm run soak -- [--events 10000] [--duration 600] [--concurrency 16] [--rate 0] [--max-backlog 200]
                [--seed N] [--drain-timeout 300] [--send-attempts 5] [--log-file PATH]
  mix:    [--duplicates 0.05] [--slack-retries 0.03] [--unknown-team 0.03] [--bad-signature 0.02]
          [--odd-payloads 0.03] [--large-payloads 0.003] [--deep-payloads 0.003] [--oversized-ids 0.005]
          [--same-id-sources 0.04] [--broken-team 0.05] [--no-broken-team] [--max-message-bytes 65536]
          (every share that is not 0 sends at least one; the broken team's webhooks come ${BROKEN_TEAM_STORM} in a row)
  faults: [--agent-500 0.03] [--agent-429 0.02] [--agent-400 0.01] [--agent-hang 0.01]
          [--agent-down Wx3] [--dynamodb-throttle 0.03] [--dynamodb-down Wx3] [--sqs-refuse Wx3]
          [--router-crashes C] [--no-faults]
          (by default W = 1 + events/2500 windows and C = 1 + events/1000 crashes, rounded up)
  router: [--router-timeout 5] [--agent-timeout-ms 1500] [--batch-size 10] [--router-concurrency 2]
          [--max-receive-count ${WEBHOOK_QUEUE.maxReceiveCount}]

Drives the local pipeline with signed webhooks while injecting faults, then reconciles every event:
exit 1 if an acknowledged event is unaccounted for, a delivery key was accepted twice by the agent,
a bad signature reached it, a payload reached it other than byte for byte as signed, one source's
alert was lost to another's with the same id, an oversized identifier did not end unrouted alone,
or the team whose agent is down (its agent URL a port nothing listens on) reached an agent or cost
the healthy team a retry. --no-broken-team sends the same mix without that team's webhooks, to
compare the healthy team's receive counts with. Rates are fractions of requests; windows are
COUNTxSECONDS placed at random points while sending. The router runs with a shorter timeout than
deployed (30 s, agent 10 s) so that crashed messages come back within the run: the queue's
visibility timeout stays six times the router's timeout, as deployed.`;

const fraction = (name: string, raw: string): number => {
  const value = Number(raw);
  if (!Number.isFinite(value) || value < 0 || value > 1) {
    throw new UsageError(`--${name} must be a fraction from 0 to 1, got '${raw}'`);
  }
  return value;
};

const windows = (name: string, raw: string): Windows => {
  const match = /^(\d+)x(\d+(?:\.\d+)?)s?$/.exec(raw);
  if (!match) throw new UsageError(`--${name} must look like COUNTxSECONDS (2x3), got '${raw}'`);
  return { count: Number(match[1]), seconds: Number(match[2]) };
};

const DEFAULTS = {
  events: "10000",
  duration: "600",
  concurrency: "16",
  rate: "0",
  "max-backlog": "200",
  "drain-timeout": "300",
  "send-attempts": "5",
  duplicates: "0.05",
  "slack-retries": "0.03",
  "unknown-team": "0.03",
  "bad-signature": "0.02",
  "odd-payloads": "0.03",
  "large-payloads": "0.003",
  "deep-payloads": "0.003",
  "oversized-ids": "0.005",
  "same-id-sources": "0.04",
  "broken-team": "0.05",
  "max-message-bytes": "65536",
  "agent-500": "0.03",
  "agent-429": "0.02",
  "agent-400": "0.01",
  "agent-hang": "0.01",
  "dynamodb-throttle": "0.03",
  "router-timeout": "5",
  "agent-timeout-ms": "1500",
  "batch-size": "10",
  "router-concurrency": "2",
  "max-receive-count": String(WEBHOOK_QUEUE.maxReceiveCount),
} as const;

/** The soak's settings from its command line; throws UsageError naming the bad flag. */
export function parseSoakOptions(args: string[]): SoakOptions | "help" {
  const { values } = parseArgs({
    args,
    options: {
      ...Object.fromEntries(
        [...Object.keys(DEFAULTS), "agent-down", "dynamodb-down", "sqs-refuse", "router-crashes"].map(
          (name) => [name, { type: "string" as const }],
        ),
      ),
      seed: { type: "string" },
      "log-file": { type: "string" },
      "no-faults": { type: "boolean" },
      "no-broken-team": { type: "boolean" },
      help: { type: "boolean", short: "h" },
    },
  });
  if (values.help) return "help";
  const given = values as Record<string, string | boolean | undefined>;
  const v = (name: keyof typeof DEFAULTS) => (given[name] as string | undefined) ?? DEFAULTS[name];
  const events = wholeNumber("events", v("events"), 1);
  // Longer runs get more outages and crashes, so the full run is not the short one's faults spread thin.
  const outages = `${1 + Math.ceil(events / 2500)}x3`;
  const scaled = {
    "agent-down": outages,
    "dynamodb-down": outages,
    "sqs-refuse": outages,
    "router-crashes": String(1 + Math.ceil(events / 1000)),
  };
  const s = (name: keyof typeof scaled) => (given[name] as string | undefined) ?? scaled[name];
  const off = values["no-faults"] === true;
  const rate = (name: keyof typeof DEFAULTS) => (off ? 0 : fraction(name, v(name)));
  const window = (name: keyof typeof scaled) => (off ? { count: 0, seconds: 0 } : windows(name, s(name)));
  const options: SoakOptions = {
    events,
    durationSeconds: wholeNumber("duration", v("duration"), 1),
    concurrency: wholeNumber("concurrency", v("concurrency"), 1),
    rate: wholeNumber("rate", v("rate"), 0),
    maxBacklog: wholeNumber("max-backlog", v("max-backlog"), 1),
    seed: values.seed === undefined ? Date.now() % 1_000_000 : wholeNumber("seed", values.seed as string, 0),
    drainTimeoutSeconds: wholeNumber("drain-timeout", v("drain-timeout"), 1),
    sendAttempts: wholeNumber("send-attempts", v("send-attempts"), 1),
    ...(given["log-file"] ? { logFile: given["log-file"] as string } : {}),
    mix: {
      duplicate: fraction("duplicates", v("duplicates")),
      slackRetry: fraction("slack-retries", v("slack-retries")),
      unknownTeam: fraction("unknown-team", v("unknown-team")),
      badSignature: fraction("bad-signature", v("bad-signature")),
      oddPayloads: fraction("odd-payloads", v("odd-payloads")),
      largePayloads: fraction("large-payloads", v("large-payloads")),
      deepPayloads: fraction("deep-payloads", v("deep-payloads")),
      oversizedIds: fraction("oversized-ids", v("oversized-ids")),
      sameIdSources: fraction("same-id-sources", v("same-id-sources")),
      brokenTeam: fraction("broken-team", v("broken-team")),
    },
    sendBrokenTeam: values["no-broken-team"] !== true,
    // Well below SQS's 1 MiB, so the few payloads ingest stores in S3 are small enough to send quickly.
    maxMessageBytes: wholeNumber("max-message-bytes", v("max-message-bytes"), 1024),
    faults: {
      agent500: rate("agent-500"),
      agent429: rate("agent-429"),
      agent400: rate("agent-400"),
      agentHang: rate("agent-hang"),
      agentDown: window("agent-down"),
      dynamodbThrottle: rate("dynamodb-throttle"),
      dynamodbDown: window("dynamodb-down"),
      sqsRefuse: window("sqs-refuse"),
      routerCrashes: off ? 0 : wholeNumber("router-crashes", s("router-crashes"), 0),
    },
    router: {
      timeoutSeconds: wholeNumber("router-timeout", v("router-timeout"), 2),
      agentTimeoutMs: wholeNumber("agent-timeout-ms", v("agent-timeout-ms"), 100),
      batchSize: wholeNumber("batch-size", v("batch-size"), 1),
      concurrency: wholeNumber("router-concurrency", v("router-concurrency"), 1),
      maxReceiveCount: wholeNumber("max-receive-count", v("max-receive-count"), 1),
    },
  };
  if (options.router.agentTimeoutMs + 1000 >= options.router.timeoutSeconds * 1000) {
    // The router calls the agent only with the agent timeout plus a second left in the invocation.
    throw new UsageError("--agent-timeout-ms plus one second must fit in --router-timeout");
  }
  const shares = Object.values(options.mix).reduce((sum, share) => sum + share, 0);
  if (shares > 0.5) {
    throw new UsageError(
      `the mix's shares add up to ${shares.toFixed(3)}: at most half the webhooks may be special`,
    );
  }
  const { agent500, agent429, agent400, agentHang } = options.faults;
  if (agent500 + agent429 + agent400 + agentHang > 1) {
    throw new UsageError("the agent's fault rates add up to more than 1");
  }
  return options;
}
