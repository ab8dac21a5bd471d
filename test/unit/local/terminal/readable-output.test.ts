import { beforeAll, describe, expect, it, vi } from "vitest";

vi.hoisted(() => {
  process.env.POWERTOOLS_LOG_LEVEL = "INFO";
});

import { recordIngestResult } from "../../../../functions/ingest/record-result";
import { recordRouterResults } from "../../../../functions/router/record-result";
import { showReadableLogs, type WritableOutput } from "../../../../local/terminal/readable-output";
import { appliedRecord } from "../../../support/applied-records";
import { lineWrittenBy } from "./handler-lines";

const NOW = () => new Date(2026, 11, 2, 9, 5, 7, 42);
/** Ingest's record of a refused request, as the handler writes it (no metrics: no time of its own). */
let RECORD = "";
beforeAll(async () => {
  RECORD = await lineWrittenBy(() =>
    recordIngestResult(
      {
        statusCode: 401,
        body: {},
        provider: "github",
        outcome: "rejected",
        reason: "bad_signature",
        problem: "no match",
      },
      { correlationId: "c-1", coldStart: false },
    ),
  );
});

/** A stream stand-in that keeps what reaches it, and whether it is a terminal. */
function fakeStream(isTTY: boolean) {
  const written: string[] = [];
  const stream: WritableOutput = {
    isTTY,
    write: ((chunk: string, encoding?: unknown, callback?: () => void) => {
      written.push(chunk);
      const done = typeof encoding === "function" ? encoding : callback;
      (done as (() => void) | undefined)?.();
      return true;
    }) as WritableOutput["write"],
  };
  return { stream, written, text: () => written.join("") };
}

describe("showReadableLogs", () => {
  it("names a delivered event as ingest's line did, whichever stream each was written to", async () => {
    const accepted = await lineWrittenBy(() =>
      recordIngestResult(
        {
          statusCode: 200,
          body: {},
          provider: "github",
          outcome: "accepted",
          events: [{ id: "e-1", eventType: "pull_request", deliveryKey: "d-1" }],
        },
        { correlationId: "c-1", coldStart: false },
      ),
    );
    const delivered = await lineWrittenBy(() =>
      recordRouterResults([
        appliedRecord({ kind: "delivered", agentStatus: 200, durationMs: 3 }, "delivered", {
          outcome: { event_id: "e-1", provider: undefined, event_type: undefined },
        }),
      ]),
    );
    const out = fakeStream(false);
    const err = fakeStream(false);
    const shown = showReadableLogs([out.stream, err.stream], {}, NOW);
    out.stream.write(`${accepted}\n`);
    err.stream.write(`${delivered}\n`);
    shown.restore();
    expect(err.text()).toMatch(
      /^09:05:07\.042 outcome github +pull_request +delivered +→ extend\/extend-sre /,
    );
  });

  it("shows each line written as its readable form, and leaves other lines as they are", () => {
    const out = fakeStream(false);
    const shown = showReadableLogs([out.stream], {}, NOW);
    out.stream.write(`${RECORD}\nagent: hello\n`);
    shown.restore();
    expect(out.text()).toBe(
      "09:05:07.042 request github     -                      rejected    HTTP 401  bad_signature: no match  correlation c-1\nagent: hello\n",
    );
  });

  it("waits for a line's end when it comes in pieces, and shows an unfinished one on flush", () => {
    const out = fakeStream(false);
    const shown = showReadableLogs([out.stream], {}, NOW);
    out.stream.write(RECORD.slice(0, 40));
    expect(out.written).toEqual([]);
    out.stream.write(Buffer.from(`${RECORD.slice(40)}\nlast words`));
    expect(out.text()).toContain(" rejected ");
    shown.flush();
    shown.restore();
    expect(out.text().endsWith("correlation c-1\nlast words\n")).toBe(true);
  });

  it("decodes a character whose bytes are split between two writes", () => {
    const out = fakeStream(false);
    const shown = showReadableLogs([out.stream], {}, NOW);
    const bytes = Buffer.from("agent: café ✓\n");
    out.stream.write(bytes.subarray(0, 11));
    out.stream.write(bytes.subarray(11));
    shown.restore();
    expect(out.text()).toBe("agent: café ✓\n");
  });

  it("drops metrics-only lines and still calls the writer's callback", () => {
    const out = fakeStream(false);
    const shown = showReadableLogs([out.stream], {}, NOW);
    let called = false;
    out.stream.write('{"_aws":{"Timestamp":1,"CloudWatchMetrics":[]},"EventsDelivered":1}\n', () => {
      called = true;
    });
    shown.restore();
    expect(out.written).toEqual([]);
    return new Promise<void>((resolve) =>
      setImmediate(() => {
        expect(called).toBe(true);
        resolve();
      }),
    );
  });

  it("colours a terminal's stream and not a redirected one, and restores both", () => {
    const tty = fakeStream(true);
    const file = fakeStream(false);
    const ownWrite = file.stream.write;
    const shown = showReadableLogs([tty.stream, file.stream], {}, NOW);
    tty.stream.write(`${RECORD}\n`);
    file.stream.write(`${RECORD}\n`);
    shown.restore();
    expect(tty.text()).toContain("\u001b[31mrejected");
    expect(file.text()).not.toContain("\u001b");
    expect(file.stream.write).toBe(ownWrite);
    file.stream.write(`${RECORD}\n`);
    expect(file.written.at(-1)).toBe(`${RECORD}\n`);
  });

  it("honours NO_COLOR on a terminal", () => {
    const tty = fakeStream(true);
    const shown = showReadableLogs([tty.stream], { NO_COLOR: "1" }, NOW);
    tty.stream.write(`${RECORD}\n`);
    shown.restore();
    expect(tty.text()).not.toContain("\u001b");
  });
});
