import { describe, expect, it } from "vitest";
import { AttemptLog, tapLines } from "../../../../local/console/attempt-log";

const routerLine = (fields: Record<string, unknown>) =>
  JSON.stringify({ level: "INFO", message: "delivered", service: "webhook-pipeline", ...fields });

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
