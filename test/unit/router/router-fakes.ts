import { randomUUID } from "node:crypto";
import { Logger } from "@aws-lambda-powertools/logger";
import type { Metrics } from "@aws-lambda-powertools/metrics";
import type { SQSRecord } from "aws-lambda";
import type { AgentClient } from "../../../shared/agent/agent-client";
import type { AgentRequest } from "../../../shared/agent/agent-request";
import type { AgentResult } from "../../../shared/agent/agent-result";
import type { RouterConfig } from "../../../shared/config/router-config";
import type { Envelope } from "../../../shared/envelope/envelope";
import type { EventOutcome } from "../../../shared/events/event-outcome";
import type { EventRecorder } from "../../../shared/events/event-store";
import type { DeliveryGuard, Guarded } from "../../../shared/router/delivery-guard";
import type { MessageVisibility } from "../../../shared/router/message-visibility";
import { DeliveryInProgressError } from "../../../shared/router/retry-later";
import type { RouterDeps } from "../../../shared/router/route-batch";
import type { RoutingIdentifiers } from "../../../shared/routing/identifiers";
import type { TeamMatch, TeamResolver } from "../../../shared/routing/team";
import type { SlackNotice, SlackNotifier } from "../../../shared/slack/slack-notifier";

export const CONFIG: RouterConfig = {
  queueUrl: "http://sqs.local/000000000000/webhooks",
  routingTable: "routing",
  eventsTable: "events",
  idempotencyTable: "idempotency",
  agentUrl: "http://agent.local/invoke",
  agentTimeoutMs: 1_000,
  idempotencyTtlSeconds: 3600,
  maxReceiveCount: 5,
  retryBaseDelaySeconds: 2,
  retryMaxDelaySeconds: 900,
  circuitBreakerThreshold: 3,
  agentConcurrency: 5,
  slackApiUrl: "http://slack.local/api",
  slackTimeoutMs: 1_000,
};

export function slackEnvelope(overrides: Partial<Envelope> = {}, channel = "C0A4967KRBM"): Envelope {
  return {
    v: 1,
    id: randomUUID(),
    provider: "slack",
    route: "/webhooks/slack/events",
    event_type: "app_mention",
    delivery_key: `Ev${randomUUID().slice(0, 8).toUpperCase()}`,
    received_at: new Date(Date.now() - 1500).toISOString(),
    correlation_id: `req-${randomUUID()}`,
    headers: {},
    payload: {
      type: "event_callback",
      event: { type: "app_mention", channel, text: "<@U1> investigate", ts: "1700000000.000100" },
    },
    ...overrides,
  };
}

export function sqsRecord(body: string, receiveCount = 1, messageId = randomUUID()): SQSRecord {
  return {
    messageId,
    receiptHandle: `rh-${messageId}`,
    body,
    attributes: {
      ApproximateReceiveCount: String(receiveCount),
      SentTimestamp: String(Date.now()),
      SenderId: "AIDAEXAMPLE",
      ApproximateFirstReceiveTimestamp: String(Date.now()),
    },
    messageAttributes: {},
    md5OfBody: "",
    eventSource: "aws:sqs",
    eventSourceARN: "arn:aws:sqs:us-east-1:000000000000:webhooks",
    awsRegion: "us-east-1",
  };
}

export const recordOf = (envelope: Envelope, receiveCount = 1) =>
  sqsRecord(JSON.stringify(envelope), receiveCount);

/** Resolves slack channels from a fixed map; counts calls. */
export class MapResolver implements TeamResolver {
  calls: RoutingIdentifiers[][] = [];
  failWith?: Error;
  constructor(private readonly teams: Record<string, Omit<TeamMatch, "matched_by" | "identifier">>) {}
  async resolveTeams(batch: readonly RoutingIdentifiers[]) {
    this.calls.push([...batch]);
    if (this.failWith) throw this.failWith;
    return batch.map((ids) => {
      const channel = ids.slack_channel_id;
      const team = channel ? this.teams[channel] : undefined;
      return team && channel
        ? { ...team, matched_by: "slack_channel_id" as const, identifier: channel }
        : undefined;
    });
  }
}

/** Answers from a script (default: delivered), remembering every request. */
export class ScriptedAgent implements AgentClient {
  calls: Array<{ url: string; request: AgentRequest; correlationId: string }> = [];
  constructor(public script: (call: number) => AgentResult | Promise<AgentResult> = () => DELIVERED) {}
  async deliver(url: string, request: AgentRequest, correlationId: string) {
    this.calls.push({ url, request, correlationId });
    return this.script(this.calls.length);
  }
}

export const DELIVERED: AgentResult = { outcome: "delivered", status: 202, durationMs: 5 };
export const SERVER_ERROR: AgentResult = {
  outcome: "retryable",
  errorClass: "retryable",
  status: 500,
  error: "agent answered HTTP 500",
  durationMs: 5,
};
export const BAD_REQUEST: AgentResult = {
  outcome: "permanent",
  errorClass: "permanent",
  status: 400,
  error: "agent answered HTTP 400",
  durationMs: 5,
};

/** Idempotency with Powertools' semantics, in memory. */
export class InMemoryGuard implements DeliveryGuard {
  readonly entries = new Map<string, { state: "in-progress" } | { state: "done"; value: unknown }>();
  failWith?: Error;
  async once<T extends object>(key: string, send: () => Promise<T>): Promise<Guarded<T>> {
    if (this.failWith) throw this.failWith;
    const entry = this.entries.get(key);
    if (entry?.state === "in-progress") throw new DeliveryInProgressError(key);
    if (entry?.state === "done") return { value: entry.value as T, fresh: false };
    this.entries.set(key, { state: "in-progress" });
    try {
      const value = await send();
      this.entries.set(key, { state: "done", value });
      return { value, fresh: true };
    } catch (error) {
      this.entries.delete(key);
      throw error;
    }
  }
}

export class RecordingEvents implements EventRecorder {
  outcomes: EventOutcome[] = [];
  failWith?: Error;
  async record(outcome: EventOutcome) {
    if (this.failWith) throw this.failWith;
    this.outcomes.push(outcome);
  }
  last(eventId: string) {
    return this.outcomes.filter((o) => o.event_id === eventId).at(-1);
  }
}

export class RecordingVisibility implements MessageVisibility {
  changes: Array<{ receiptHandle: string; seconds: number }> = [];
  async delay(receiptHandle: string, seconds: number) {
    this.changes.push({ receiptHandle, seconds });
  }
}

export class RecordingSlack implements SlackNotifier {
  notices: SlackNotice[] = [];
  failWith?: Error;
  async notify(notice: SlackNotice) {
    this.notices.push(notice);
    if (this.failWith) throw this.failWith;
  }
}

/** Counts metrics by name (and AgentErrors by class). */
export function recordingMetrics() {
  const counts: Record<string, number> = {};
  const values: Record<string, number[]> = {};
  const add = (name: string, value: number) => {
    counts[name] = (counts[name] ?? 0) + 1;
    values[name] = [...(values[name] ?? []), value];
  };
  const metrics = {
    addMetric: (name: string, _unit: string, value: number) => add(name, value),
    singleMetric: () => {
      const dims: Record<string, string> = {};
      return {
        addDimension: (k: string, v: string) => {
          dims[k] = v;
        },
        addMetric: (name: string, _unit: string, value: number) =>
          add(dims.class ? `${name}:${dims.class}` : name, value),
      };
    },
  } as unknown as Metrics;
  return { metrics, counts, values };
}

export function fakeDeps(overrides: Partial<RouterDeps> = {}) {
  const teams = new MapResolver({
    C0A4967KRBM: { org_id: "extend", team_node_id: "extend-sre" },
    COVERRIDE1: { org_id: "acme", team_node_id: "payments", agent: { url: "http://acme-agent.local/run" } },
  });
  const agent = new ScriptedAgent();
  const guard = new InMemoryGuard();
  const events = new RecordingEvents();
  const visibility = new RecordingVisibility();
  const slack = new RecordingSlack();
  const { metrics, counts, values } = recordingMetrics();
  const deps: RouterDeps = {
    config: CONFIG,
    teams,
    agent,
    events,
    guard,
    visibility,
    slack,
    logger: new Logger({ serviceName: "router-test", logLevel: "SILENT" }),
    metrics,
    random: () => 0.5,
    ...overrides,
  };
  return { deps, teams, agent, guard, events, visibility, slack, counts, values };
}

/** A GitHub `issues` envelope for `repo`, as ingest would queue it. */
export function githubEnvelope(repo: string, overrides: Partial<Envelope> = {}): Envelope {
  return {
    v: 1,
    id: randomUUID(),
    provider: "github",
    route: "/webhooks/github",
    event_type: "issues",
    action: "opened",
    delivery_key: randomUUID(),
    received_at: new Date().toISOString(),
    correlation_id: `req-${randomUUID()}`,
    headers: { "x-github-event": "issues" },
    payload: { action: "opened", repository: { full_name: repo }, issue: { number: 7 } },
    ...overrides,
  };
}
