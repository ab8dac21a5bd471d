import { randomUUID } from "node:crypto";
import type { SQSEvent, SQSRecord } from "aws-lambda";
import { vi } from "vitest";
import { deliveredEvents } from "../../../functions/router/delivered-line";
import { createRouterHandler } from "../../../functions/router/handler";
import type { AgentCall, AgentClient } from "../../../shared/agent/agent-client";
import { splitAgentRequestBody } from "../../../shared/agent/agent-request";
import type { AgentResult } from "../../../shared/agent/agent-result";
import type { RouterConfig } from "../../../shared/config/router-config";
import { ENVELOPE_VERSION, type Envelope } from "../../../shared/envelope/envelope";
import type { EventOutcome } from "../../../shared/events/event-outcome";
import type { EventRecorder } from "../../../shared/events/event-recorder";
import { logger } from "../../../shared/observability/powertools";
import { metricName, recordLine } from "../../../shared/observability/record-line";
import type { Claim, DeliveryGuard } from "../../../shared/router/delivery-guard";
import { DestinationBreakers } from "../../../shared/router/destination-breaker";
import type { MessageVisibility } from "../../../shared/router/message-visibility";
import type { RouterDeps } from "../../../shared/router/router-deps";
import type { DeliverySummary } from "../../../shared/router/routing-decision";
import type { RoutingIdentifiers } from "../../../shared/routing/identifiers";
import type { TeamMatch, TeamResolver } from "../../../shared/routing/team";
import type { TeamTokens } from "../../../shared/secrets/team-tokens";
import type { SlackNotice, SlackNotifier } from "../../../shared/slack/slack-notifier";

export const CONFIG: RouterConfig = {
  queueUrl: "http://sqs.local/000000000000/webhooks",
  routingTable: "routing",
  eventsTable: "events",
  idempotencyTable: "idempotency",
  agentUrl: "https://agent.example.com/invoke",
  agentTimeoutMs: 1_000,
  idempotencyTtlSeconds: 3600,
  deliveredRetentionDays: 7,
  maxReceiveCount: 5,
  retryBaseDelaySeconds: 2,
  retryMaxDelaySeconds: 900,
  circuitBreakerThreshold: 5,
  circuitBreakerRecoverySeconds: 30,
  agentConcurrency: 5,
  localPipeline: false,
  secretsCacheSeconds: 300,
  slackApiUrl: "http://slack.local/api",
  slackTimeoutMs: 1_000,
};

type Meta = Omit<Extract<Envelope, { v: 3 }>, "v" | "payload_text">;

/** A v3 envelope carrying `payloadText` verbatim, as ingest queues it. */
export function envelopeWith(meta: Partial<Meta>, payloadText: string): Envelope {
  return {
    v: ENVELOPE_VERSION,
    id: randomUUID(),
    provider: "slack",
    route: "/webhooks/slack/events",
    event_type: "app_mention",
    delivery_key: `Ev${randomUUID().slice(0, 8).toUpperCase()}`,
    received_at: new Date(Date.now() - 1500).toISOString(),
    correlation_id: `req-${randomUUID()}`,
    headers: {},
    ...meta,
    payload_text: payloadText,
  };
}

export function slackEnvelope(overrides: Partial<Meta> = {}, channel = "C0A4967KRBM"): Envelope {
  return envelopeWith(
    overrides,
    JSON.stringify({
      type: "event_callback",
      event: { type: "app_mention", channel, text: "<@U1> investigate", ts: "1700000000.000100" },
    }),
  );
}

/** A GitHub `issues` envelope for `repo`, as ingest would queue it. */
export function githubEnvelope(repo: string, overrides: Partial<Meta> = {}): Envelope {
  return envelopeWith(
    {
      provider: "github",
      route: "/webhooks/github",
      event_type: "issues",
      action: "opened",
      delivery_key: randomUUID(),
      headers: { "x-github-event": "issues" },
      ...overrides,
    },
    JSON.stringify({ action: "opened", repository: { full_name: repo }, issue: { number: 7 } }),
  );
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

/** Resolves Slack channels and GitHub repos from a fixed map; counts calls. */
export class MapResolver implements TeamResolver {
  calls: RoutingIdentifiers[][] = [];
  failWith?: Error;
  constructor(private readonly teams: Record<string, Omit<TeamMatch, "matched_by" | "identifier">>) {}
  async resolveTeams(batch: readonly RoutingIdentifiers[]) {
    this.calls.push([...batch]);
    if (this.failWith) throw this.failWith;
    return batch.map((ids) => {
      for (const kind of ["slack_channel_id", "github_repo"] as const) {
        const value = ids[kind];
        const team = value ? this.teams[value] : undefined;
        if (team && value) return { ...team, matched_by: kind, identifier: value };
      }
      return undefined;
    });
  }
}

/** Answers from a script (default: delivered), remembering every call. */
export class ScriptedAgent implements AgentClient {
  calls: AgentCall[] = [];
  constructor(
    public script: (call: AgentCall, n: number) => AgentResult | Promise<AgentResult> = () => DELIVERED,
  ) {}
  async deliver(call: AgentCall) {
    this.calls.push(call);
    return this.script(call, this.calls.length);
  }
  /** The agent request bodies, split into their metadata and payload text. */
  requests() {
    return this.calls.map((c) => splitAgentRequestBody(c.body)!);
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

/**
 * The DynamoDB guard's semantics in memory: a claim per key, answered once the holder's outcome in
 * `events` says delivered or failed, taken over when released or run out without an answer.
 */
export class InMemoryGuard implements DeliveryGuard {
  readonly claims = new Map<string, { holder: string; until: number }>();
  readonly remembered = new Map<string, DeliverySummary>();
  failWith?: Error;
  constructor(private readonly events: RecordingEvents) {}
  async claim(key: string, eventId: string, holdMs: number): Promise<Claim> {
    if (this.failWith) throw this.failWith;
    const known = this.remembered.get(key);
    if (known) return { kind: "handled", original: known };
    const current = this.claims.get(key);
    if (current) {
      const answer = this.events.last(current.holder);
      if (answer?.status === "delivered" || answer?.status === "failed") {
        return {
          kind: "handled",
          original: {
            event_id: current.holder,
            outcome: answer.status,
            ...(answer.agent_status !== undefined ? { agent_status: answer.agent_status } : {}),
          },
        };
      }
      if (current.until > Date.now()) return { kind: "in_progress", holder: current.holder };
    }
    this.claims.set(key, { holder: eventId, until: Date.now() + holdMs });
    return { kind: "claimed" };
  }
  async release(key: string, eventId: string) {
    const current = this.claims.get(key);
    if (current?.holder === eventId) current.until = 0;
  }
  remember(key: string, summary: DeliverySummary) {
    this.remembered.set(key, summary);
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

/** Team tokens from a map; a name not in it cannot be read. */
export class MapTokens implements TeamTokens {
  constructor(private readonly tokens: Record<string, string> = {}) {}
  async read(name: string) {
    const token = this.tokens[name];
    if (!token) throw new Error(`the team's agent token secret ${name} is not set`);
    return token;
  }
}

/**
 * Counts the metrics the router's lines carry, by name (AgentErrors as `AgentErrors:<class>`; a
 * count of n as n, a distribution by its samples), and silences its log lines while keeping them
 * for assertions: each record's own line, and each event an invocation's line lists as delivered
 * (in the terms of a record's line). Restored by vi.restoreAllMocks.
 */
export function observeRouter() {
  const counts: Record<string, number> = {};
  const values: Record<string, number[]> = {};
  const lines: Array<{ level: string; message: string; fields: Record<string, unknown> }> = [];
  vi.spyOn(recordLine, "write").mockImplementation((fields, counted, given = {}) => {
    for (const directive of counted) {
      for (const metric of directive.metrics) {
        const name = metricName(metric);
        const key = directive.dimensions.includes("class") ? `${name}:${String(fields.class)}` : name;
        const value = given[name] ?? 1;
        const samples = typeof value === "number" ? [value] : [...value];
        counts[key] = (counts[key] ?? 0) + (typeof value === "number" ? value : value.length);
        values[key] = [...(values[key] ?? []), ...samples];
      }
    }
    const { level, message, ...rest } = fields as Record<string, unknown>;
    const events = deliveredEvents(fields);
    for (const line of events.length > 0 ? events : [rest]) {
      lines.push({ level: String(level).toLowerCase(), message: String(message), fields: line });
    }
  });
  for (const level of ["info", "warn", "error"] as const) {
    vi.spyOn(logger, level).mockImplementation(((message: string, fields?: Record<string, unknown>) => {
      lines.push({ level, message, fields: fields ?? {} });
    }) as never);
  }
  return { counts, values, lines };
}

export const TEAMS = {
  C0A4967KRBM: { org_id: "extend", team_node_id: "extend-sre" },
  COVERRIDE1: {
    org_id: "acme",
    team_node_id: "payments",
    agent: { url: "https://acme-agent.example.com/run" },
  },
  CBROKEN001: { org_id: "acme", team_node_id: "broken", agent: { url: "https://broken.example.com/run" } },
  "extend/api": { org_id: "extend", team_node_id: "api", notify: { slack_channel: "CNOTIFY001" } },
} satisfies Record<string, Omit<TeamMatch, "matched_by" | "identifier">>;

export function fakeDeps(overrides: Partial<RouterDeps> = {}) {
  const teams = new MapResolver(TEAMS);
  const agent = new ScriptedAgent();
  const events = new RecordingEvents();
  const guard = new InMemoryGuard(events);
  const visibility = new RecordingVisibility();
  const slack = new RecordingSlack();
  const observed = observeRouter();
  const deps: RouterDeps = {
    config: CONFIG,
    teams,
    agent,
    breakers: new DestinationBreakers({
      failureThreshold: CONFIG.circuitBreakerThreshold,
      recoveryMs: CONFIG.circuitBreakerRecoverySeconds * 1000,
      maxInFlight: CONFIG.agentConcurrency,
    }),
    tokens: new MapTokens(),
    events,
    guard,
    visibility,
    slack,
    random: () => 0.5,
    ...overrides,
  };
  return { deps, teams, agent, guard, events, visibility, slack, ...observed };
}

export const route = (deps: RouterDeps, records: SQSRecord[], context?: never) =>
  createRouterHandler(() => deps)({ Records: records } as SQSEvent, context);

export const failedIds = (response: { batchItemFailures: { itemIdentifier: string }[] }) =>
  response.batchItemFailures.map((f) => f.itemIdentifier).sort();
