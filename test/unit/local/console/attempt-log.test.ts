import { afterEach, describe, expect, it, vi } from "vitest";

// The record lines read their level and metrics setting as they load: as in Lambda (not silenced,
// with their EMF time), not as in the other unit tests.
vi.hoisted(() => {
  process.env.POWERTOOLS_LOG_LEVEL = "INFO";
  process.env.POWERTOOLS_METRICS_DISABLED = "false";
});

import { recordRouterResults } from "../../../../functions/router/record-result";
import { AttemptLog, tapLines } from "../../../../local/console/attempt-log";
import { appliedRecord } from "../../../support/applied-records";
import { linesWrittenBy } from "../terminal/handler-lines";

const routerLine = (fields: Record<string, unknown>) =>
  JSON.stringify({ level: "INFO", message: "delivered", service: "webhook-pipeline", ...fields });

afterEach(() => {
  vi.useRealTimers();
});

describe("AttemptLog", () => {
  it("keeps each of the router's record lines for an event, oldest first", () => {
    const log = new AttemptLog();
    log.observeLine(
      routerLine({ event_id: "e1", status: "retrying", attempts: 1, agent_status: 503, timestamp: "t1" }),
    );
    log.observeLine(
      routerLine({
        event_id: "e1",
        status: "delivered",
        attempts: 2,
        agent_status: 200,
        agent_ms: 4,
        latency_ms: 2100,
        timestamp: "t2",
      }),
    );
    expect(log.of("e1")).toEqual([
      { at: "t1", attempt: 1, status: "retrying", agent_status: 503 },
      { at: "t2", attempt: 2, status: "delivered", agent_status: 200, agent_ms: 4, latency_ms: 2100 },
    ]);
    expect(log.of("e2")).toEqual([]);
  });

  it("keeps each event of the router's line of an invocation's deliveries, at the line's time", async () => {
    vi.useFakeTimers({ toFake: ["Date"] });
    vi.setSystemTime(new Date("2026-12-02T09:05:07.042Z"));
    const delivered = (id: string, attempts: number) =>
      appliedRecord({ kind: "delivered", agentStatus: 202, durationMs: 4 }, "delivered", {
        outcome: { event_id: id, attempts, received_at: "2026-12-02T09:05:05.000Z" },
      });
    const lines = await linesWrittenBy(() => recordRouterResults([delivered("e1", 2), delivered("e2", 1)]));
    expect(lines).toHaveLength(1);
    const log = new AttemptLog();
    log.observeLine(routerLine({ event_id: "e1", status: "retrying", attempts: 1, timestamp: "t1" }));
    log.observeLine(lines[0]!);
    const at = "2026-12-02T09:05:07.042Z";
    expect(log.of("e1")).toEqual([
      { at: "t1", attempt: 1, status: "retrying" },
      { at, attempt: 2, status: "delivered", agent_status: 202, agent_ms: 4, latency_ms: 2042 },
    ]);
    expect(log.of("e2")).toEqual([
      { at, attempt: 1, status: "delivered", agent_status: 202, agent_ms: 4, latency_ms: 2042 },
    ]);
  });

  it("keeps a record's own line written with its metrics, at its EMF time", async () => {
    vi.useFakeTimers({ toFake: ["Date"] });
    vi.setSystemTime(new Date("2026-12-02T09:05:07.042Z"));
    const [line] = await linesWrittenBy(() =>
      recordRouterResults([
        appliedRecord({ kind: "defer", deferClass: "timeout", reason: "no answer in 10 s" }, "retrying", {
          outcome: { event_id: "e1" },
          extra: { retryInSeconds: 30 },
        }),
      ]),
    );
    const log = new AttemptLog();
    log.observeLine(line!);
    expect(log.of("e1")).toEqual([
      {
        at: "2026-12-02T09:05:07.042Z",
        attempt: 1,
        status: "retrying",
        reason: "no answer in 10 s",
        retry_in_seconds: 30,
      },
    ]);
  });

  it("ignores every other line: ingest's records, EMF, text, broken JSON, unknown statuses", () => {
    const log = new AttemptLog();
    for (const line of [
      '{"level":"WARN","outcome":"rejected","status":401,"correlation_id":"c"}',
      '{"event_id":"e1","status":401}',
      '{"event_id":"e1","status":"lost"}',
      '{"event_id":42,"status":"delivered"}',
      '{"event_id":"e1","status":"delivered"',
      'agent: github pull_request for extend/extend-sre "event_id"',
      "[1,2]",
      "null",
      `{"event_id":"e1","status":"delivered","pad":"${"x".repeat(70_000)}"}`,
      '{"message":"events delivered","delivered":[{"team":"t/t","events":[{"agent_status":200}]}]}',
      '{"message":"events delivered","delivered":[null,{"events":{"id":"e1"}}]}',
      '{"message":"events delivered","delivered":"e1"}',
    ]) {
      log.observeLine(line);
    }
    expect(log.of("e1")).toEqual([]);
  });

  it("forgets the events seen longest ago beyond its capacity", () => {
    const log = new AttemptLog(2);
    for (const id of ["a", "b", "c"]) log.observeLine(routerLine({ event_id: id, status: "delivered" }));
    expect(log.of("a")).toEqual([]);
    expect(log.of("c")).toHaveLength(1);
  });
});

describe("tapLines", () => {
  it("hands over whole lines across writes and passes every write through unchanged", () => {
    const written: unknown[][] = [];
    const stream = {
      write: ((...args: unknown[]) => {
        written.push(args);
        return true;
      }) as NodeJS.WriteStream["write"],
    };
    const lines: string[] = [];
    const untap = tapLines(stream, (line) => lines.push(line));
    const done = () => undefined;
    stream.write('{"a":1}\n{"b"');
    stream.write(Buffer.from(":2}\nrest"), done);
    expect(lines).toEqual(['{"a":1}', '{"b":2}']);
    expect(written).toEqual([['{"a":1}\n{"b"'], [Buffer.from(":2}\nrest"), done]]);
    untap();
    stream.write("after\n");
    expect(lines).toHaveLength(2);
    expect(written.at(-1)).toEqual(["after\n"]);
  });

  it("decodes a character split between two byte writes whole", () => {
    const stream = { write: (() => true) as NodeJS.WriteStream["write"] };
    const lines: string[] = [];
    tapLines(stream, (line) => lines.push(line));
    const bytes = Buffer.from('{"reason":"café ☕"}\n');
    const cut = bytes.indexOf(0xa9); // inside é (c3 a9)
    stream.write(bytes.subarray(0, cut));
    stream.write(bytes.subarray(cut));
    expect(lines).toEqual(['{"reason":"café ☕"}']);
  });
});
