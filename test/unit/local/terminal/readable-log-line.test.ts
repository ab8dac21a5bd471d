import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";

// The handlers' loggers read their level and metrics setting as they load: as in Lambda, not as in
// the other unit tests (which silence them).
vi.hoisted(() => {
  process.env.POWERTOOLS_LOG_LEVEL = "INFO";
  process.env.POWERTOOLS_METRICS_DISABLED = "false";
});

import { createIngestHandler } from "../../../../functions/ingest/handler";
import { recordHealthAnswer, recordIngestResult } from "../../../../functions/ingest/record-result";
import { recordRouterResults } from "../../../../functions/router/record-result";
import { painter } from "../../../../local/terminal/colour";
import { EventNames } from "../../../../local/terminal/event-names";
import { readableLogLine } from "../../../../local/terminal/log-line";
import type { IngestResult } from "../../../../shared/ingest/ingest-webhook";
import { logger, metrics } from "../../../../shared/observability/powertools";
import type { AppliedRecord } from "../../../../shared/router/apply-decision";
import type { Decision } from "../../../../shared/router/routing-decision";
import { appliedRecord } from "../../../support/applied-records";
import { testIngestDeps } from "../../../support/in-memory-event-queue";
import { signedGithubEvent } from "../../../support/signed-requests";
import { linesWrittenBy, lineWrittenBy } from "./handler-lines";

/**
 * When the handlers write (the system clock), and the formatter's clock: a line with its own time
 * (the ingest record's EMF timestamp) shows it, one without (Powertools lines) the time it was read.
 */
const WRITTEN = new Date(2026, 11, 2, 9, 5, 7, 42);
const FORMATTED = new Date(2026, 11, 2, 23, 59, 59, 999);
const plain = { paint: painter(false), now: () => FORMATTED };
const coloured = { paint: painter(true), now: () => FORMATTED };
const show = (line: string) => readableLogLine(line, plain);

const EVENT_ID = "7e1d075e-6e2c-4ece-a139-bccba96c2a0c";
const REQUEST = { correlationId: "0c4b500a-305c-4cc2-9d7e-8084dc8cc0a9", coldStart: false };

beforeEach(() => {
  vi.useFakeTimers({ toFake: ["Date"] });
  vi.setSystemTime(WRITTEN);
});
afterEach(() => {
  vi.useRealTimers();
});

/** An ingest result without its answer (each outcome's own fields kept). */
type Recorded<T> = T extends unknown ? Omit<T, "statusCode" | "body" | "provider"> : never;

/** Ingest's record line of a request from `provider` that it answered with `statusCode`. */
const ingestLine = (provider: string, statusCode: number, result: Recorded<IngestResult>) =>
  lineWrittenBy(() =>
    recordIngestResult({ statusCode, body: {}, provider, ...result } as IngestResult, REQUEST),
  );

/** A record the router applied, on its second receive (so the attempt shown is the record's). */
const applied = (decision: Decision, status: AppliedRecord["status"], extra: Partial<AppliedRecord> = {}) =>
  appliedRecord(decision, status, { outcome: { event_id: EVENT_ID, attempts: 2 }, extra });

/** The router's lines about a batch of records. */
const routerLine = async (...records: AppliedRecord[]) => {
  const lines = await linesWrittenBy(() => recordRouterResults(records));
  return lines.filter((line) => show(line) !== undefined);
};

describe("a request's line, from ingest's record", () => {
  it("shows the time, provider, event type, outcome and event id of an accepted request", async () => {
    const line = await ingestLine("github", 200, {
      outcome: "accepted",
      events: [{ id: EVENT_ID, eventType: "pull_request", deliveryKey: "d-1" }],
    });
    expect(show(line)).toMatch(
      new RegExp(`^09:05:07\\.042 request github +pull_request +accepted +${EVENT_ID}$`),
    );
  });

  it("shows what the real ingest handler recorded for a signed GitHub webhook", async () => {
    const deps = testIngestDeps();
    const line = await lineWrittenBy(() =>
      createIngestHandler(() => deps)(signedGithubEvent({ event: "issues" })),
    );
    const id = JSON.parse(deps.queue.messages[0]!.body).id as string;
    expect(show(line)).toMatch(new RegExp(`^09:05:07\\.042 request github +issues +accepted +${id}$`));
  });

  it("counts the other events of a request, the filtered ones and a payload kept in S3", async () => {
    const line = await ingestLine("pagerduty", 200, {
      outcome: "accepted",
      events: [
        { id: "e-1", eventType: "incident.triggered", deliveryKey: "a" },
        { id: "e-2", eventType: "incident.resolved", deliveryKey: "b", payloadStored: true },
      ],
      filtered: 3,
    });
    expect(show(line)).toContain("accepted    +1 more events  payload in S3  3 filtered out  e-1");
  });

  it("shows a rejection's HTTP status, reason and problem, and the correlation id the sender got", async () => {
    const line = await ingestLine("github", 401, {
      outcome: "rejected",
      reason: "bad_signature",
      problem: "X-Hub-Signature-256 does not match the body signed with the configured secret",
    });
    expect(show(line)).toBe(
      "09:05:07.042 request github     -                      rejected    HTTP 401  bad_signature: " +
        "X-Hub-Signature-256 does not match the body signed with the configured secret" +
        `  correlation ${REQUEST.correlationId}`,
    );
  });

  it("shows why an ignored request or a handshake queued nothing", async () => {
    const ignored = await ingestLine("github", 200, {
      outcome: "ignored",
      reason: "ping event",
    });
    const handshake = await ingestLine("slack", 200, {
      outcome: "handshake",
      reason: "url_verification",
    });
    expect(show(ignored)).toMatch(/ github +- +ignored +ping event {2}correlation /);
    expect(show(handshake)).toMatch(/ slack +- +handshake +url_verification {2}correlation /);
  });

  it("shows a queue outage as unavailable with its problem", async () => {
    const line = await ingestLine("jira", 503, {
      outcome: "unavailable",
      problem: "SendMessage failed: connect ECONNREFUSED",
    });
    expect(show(line)).toMatch(
      / jira +- +unavailable SendMessage failed: connect ECONNREFUSED {2}correlation /,
    );
  });

  it("colours the outcome on a terminal, and only there", async () => {
    const line = await ingestLine("github", 401, {
      outcome: "rejected",
      reason: "bad_signature",
      problem: "p",
    });
    expect(readableLogLine(line, coloured)).toContain("\u001b[31mrejected");
    expect(show(line)).not.toContain("\u001b");
  });
});

describe("an outcome's line, from the router's record", () => {
  it("shows the team and how it matched, the agent's status and time, the latency and the attempt", async () => {
    const [line, ...rest] = await routerLine(
      applied({ kind: "delivered", agentStatus: 200, durationMs: 3 }, "delivered"),
    );
    expect(rest).toEqual([]);
    // The line of delivered events names each by id: its provider and type are what ingest's line said.
    const format = { ...plain, events: new EventNames() };
    readableLogLine(
      await ingestLine("github", 200, {
        outcome: "accepted",
        events: [{ id: EVENT_ID, eventType: "pull_request", deliveryKey: "d-1" }],
      }),
      format,
    );
    expect(readableLogLine(line!, format)).toMatch(
      new RegExp(
        `^09:05:07\\.042 outcome github +pull_request +delivered +→ extend/extend-sre by github_repo {2}agent 200 in 3 ms {2}174 ms end to end {2}attempt 2 {2}${EVENT_ID}$`,
      ),
    );
    expect(show(line!)).toMatch(/^09:05:07\.042 outcome - +- +delivered +→ extend\/extend-sre /);
  });

  it("shows each event of an invocation's line of deliveries on a line of its own", async () => {
    const second = appliedRecord({ kind: "delivered", agentStatus: 202, durationMs: 9 }, "delivered", {
      outcome: { event_id: "e-2" },
    });
    second.routed.destination!.team.team_node_id = "payments";
    const [line, ...rest] = await routerLine(
      applied({ kind: "delivered", agentStatus: 200, durationMs: 3 }, "delivered"),
      second,
    );
    expect(rest).toEqual([]);
    const shown = show(line!)!.split("\n");
    expect(shown).toHaveLength(2);
    expect(shown[0]).toMatch(
      / delivered +→ extend\/extend-sre by github_repo {2}agent 200 in 3 ms .* attempt 2 /,
    );
    expect(shown[1]).toMatch(
      / delivered +→ extend\/payments by github_repo {2}agent 202 in 9 ms .* attempt 1 {2}e-2$/,
    );
  });

  it("shows why an event is retried, and when", async () => {
    const [line] = await routerLine(
      applied(
        { kind: "defer", deferClass: "retryable", reason: "the agent answered 503", agentStatus: 503 },
        "retrying",
        { retryInSeconds: 30 },
      ),
    );
    expect(show(line!)).toMatch(
      / retrying +→ extend\/extend-sre by github_repo {2}agent 503 {2}the agent answered 503 {2}retry in 30 s \(retryable\) {2}attempt 2 /,
    );
  });

  it("shows unrouted, rejected, failed, dead and duplicate outcomes with their reasons", async () => {
    const unrouted = applied(
      { kind: "unrouted", reason: "no team claims this event's identifiers" },
      "unrouted",
    );
    delete (unrouted.routed as { destination?: unknown }).destination;
    const shown = [
      ...(await routerLine(unrouted)),
      ...(await routerLine(applied({ kind: "rejected", reason: "not an envelope" }, "rejected"))),
      ...(await routerLine(
        applied(
          { kind: "failed", errorClass: "permanent", agentStatus: 400, error: "the agent answered 400" },
          "failed",
          { notified: ["C0123"] },
        ),
      )),
      ...(await routerLine(
        applied({ kind: "defer", deferClass: "timeout", reason: "no answer in 10 s" }, "dead", {
          retryInSeconds: 0,
        }),
      )),
      ...(await routerLine(
        applied(
          { kind: "duplicate", original: { event_id: "first-id", outcome: "delivered", agent_status: 200 } },
          "duplicate",
        ),
      )),
    ].map((line) => show(line));
    expect(shown).toHaveLength(5);
    expect(shown[0]).toMatch(/ unrouted +no team claims this event's identifiers {2}attempt 2 /);
    expect(shown[1]).toMatch(/ rejected +→ extend\/extend-sre by github_repo {2}not an envelope /);
    expect(shown[2]).toMatch(
      / failed +→ .* {2}agent 400 {2}the agent answered 400 {2}attempt 2 {2}notified C0123 /,
    );
    expect(shown[3]).toMatch(
      / dead +→ .* {2}no answer in 10 s {2}to the dead-letter queue \(timeout\) {2}attempt 2 /,
    );
    expect(shown[4]).toMatch(/ duplicate +→ .* {2}first handled as first-id \(delivered\) /);
  });

  it("keeps a delivery's problems, skipped identifiers and an unrecorded outcome in view", async () => {
    const record = applied({ kind: "delivered", agentStatus: 200, durationMs: 1 }, "delivered", {
      recorded: false,
      problems: ["could not record the delivered outcome: throttled"],
    });
    (record.routed as { skipped: unknown }).skipped = [
      { kind: "github_repo", reason: "longer than 1024 bytes" },
    ];
    const [line] = await routerLine(record);
    expect(show(line!)).toContain(
      "skipped github_repo: longer than 1024 bytes  outcome not recorded  problem: could not record the delivered outcome: throttled",
    );
  });

  it("leaves the metrics lines out: the records already say what they count", async () => {
    metrics.addMetric("EventsDelivered", "Count", 1);
    const lines = await linesWrittenBy(() => metrics.publishStoredMetrics());
    expect(lines).toHaveLength(1);
    expect(JSON.parse(lines[0]!)._aws).toBeDefined();
    expect(show(lines[0]!)).toBeUndefined();
  });
});

describe("warnings and errors", () => {
  it("shows a Powertools warning by level, message and its fields", async () => {
    const line = await lineWrittenBy(() =>
      recordHealthAnswer(
        { statusCode: 503, body: { error: "x" }, problem: "connect ECONNREFUSED" },
        "corr-1",
      ),
    );
    expect(show(line)).toMatch(
      /^23:59:59\.999 WARN {4}health check: the webhook queue is unreachable problem=connect ECONNREFUSED correlation_id=corr-1$/,
    );
  });

  it("shows an error's name, message and the top of its stack, indented", async () => {
    const line = await lineWrittenBy(() =>
      logger.error("unexpected error routing a record", new TypeError("cannot read 'team'")),
    );
    const [head, ...stack] = show(line)!.split("\n");
    expect(head).toMatch(
      / ERROR {3}unexpected error routing a record error=TypeError: cannot read 'team' \(/,
    );
    expect(stack.length).toBeGreaterThan(0);
    expect(stack.length).toBeLessThanOrEqual(8);
    expect(stack[0]).toMatch(/^ {6}at .*readable-log-line\.test\.ts/);
  });

  it("colours a warning's level", async () => {
    const line = await lineWrittenBy(() => logger.warn("careful", { thing: 1 }));
    expect(readableLogLine(line, coloured)).toContain("\u001b[33mWARN");
  });
});

describe("lines that are not the handlers' records", () => {
  it("passes the runner's own lines, blank lines and indentation through unchanged", () => {
    for (const line of [
      "agent: github pull_request for extend/extend-sre (matched by github_repo=o/r)",
      "",
      "  github     POST http://localhost:3000/webhooks/github",
      "Handshakes:\tnotion",
      "(node:123) Warning: something",
    ]) {
      expect(show(line)).toBe(line);
    }
  });

  it("passes JSON that is no log record through unchanged, and text that only looks like JSON", () => {
    for (const line of ['{"hello":"world"}', "{not json", "[1,2,3]", '"text"']) expect(show(line)).toBe(line);
  });
});

// biome-ignore lint/suspicious/noControlCharactersInRegex: what must never reach the terminal
const CONTROLS_OR_BIDI = /[\u0000-\u001f\u007f-\u009f\u202a-\u202e]/;

describe("what a sender controls cannot take over the terminal", () => {
  const hostile =
    "\u001b[2J\u001b[H\u001b]0;owned\u0007pull\u009b31m_request\r\n09:00:00.000 outcome github forged delivered\u202e" +
    "x".repeat(10_240);

  const expectPrintable = (shown: string | undefined) => {
    expect(shown).toBeDefined();
    expect(shown!.split("\n")).toHaveLength(1);
    expect(shown).not.toMatch(CONTROLS_OR_BIDI);
    expect(shown!.length).toBeLessThan(700);
  };

  it("strips escape sequences and controls from an event type and a reason, and trims them", async () => {
    const accepted = await ingestLine("generic", 200, {
      outcome: "accepted",
      events: [{ id: EVENT_ID, eventType: hostile, deliveryKey: "d" }],
    });
    const ignored = await ingestLine("generic", 200, {
      outcome: "ignored",
      reason: hostile,
    });
    const record = applied({ kind: "unrouted", reason: hostile }, "unrouted");
    record.routed.outcome.event_type = hostile;
    const [routed] = await routerLine(record);
    for (const line of [accepted, ignored, routed!]) {
      const shown = show(line);
      expectPrintable(shown);
      expect(shown).toContain("pull_request 09:00:00.000 outcome github forged delivered");
      expect(shown).toContain("…");
    }
  });

  it("keeps a hostile event type from the real handler on one printable line", async () => {
    const line = await lineWrittenBy(() =>
      createIngestHandler(() => testIngestDeps())(signedGithubEvent({ event: hostile })),
    );
    expectPrintable(show(line));
  });

  it("keeps the colours its own: a hostile field cannot reset or add one", async () => {
    const line = await ingestLine("generic", 200, {
      outcome: "ignored",
      reason: "\u001b[0m\u001b[41mred alert",
    });
    const shown = readableLogLine(line, coloured)!;
    expect(shown).toContain("red alert");
    expect(shown).not.toContain("\u001b[41m");
    expect(shown).not.toContain("\u001b[0m");
  });

  it("makes a passed-through line printable and caps it", () => {
    const shown = show(`agent: github ${hostile} for extend/extend-sre`);
    expect(shown).not.toMatch(CONTROLS_OR_BIDI);
    expect(shown!.length).toBeLessThanOrEqual(2_000);
  });
});
