import { Logger } from "@aws-lambda-powertools/logger";
import { afterEach, describe, expect, it, vi } from "vitest";
import { LeanLogFormatter } from "../../../shared/observability/lean-log-formatter";

afterEach(() => {
  vi.unstubAllEnvs();
  vi.restoreAllMocks();
});

/** The JSON lines a Logger with the lean formatter writes (Powertools writes through its own console). */
function lines(log: (logger: Logger) => void): Record<string, unknown>[] {
  vi.stubEnv("POWERTOOLS_DEV", "false");
  vi.stubEnv("POWERTOOLS_LOG_LEVEL", "INFO");
  const out: string[] = [];
  const capture = (chunk: unknown) => {
    out.push(String(chunk));
    return true;
  };
  vi.spyOn(process.stdout, "write").mockImplementation(capture);
  vi.spyOn(process.stderr, "write").mockImplementation(capture);
  log(new Logger({ serviceName: "webhook-pipeline", logFormatter: new LeanLogFormatter() }));
  return out.flatMap((chunk) => chunk.split("\n").filter(Boolean)).map((line) => JSON.parse(line));
}

describe("LeanLogFormatter", () => {
  it("writes level, message and the line's own keys, nothing the log group or the log event's own time says", () => {
    vi.stubEnv(
      "_X_AMZN_TRACE_ID",
      "Root=1-683d6f3f-0f2b1c3d4e5f60718293a4b5;Parent=53995c3f42cd8ad8;Sampled=0",
    );
    const [line] = lines((logger) => logger.info("delivered", { event_id: "e-1" }));
    expect(Object.keys(line!).sort()).toEqual(["event_id", "level", "message"]);
    expect(line).toMatchObject({ level: "INFO", message: "delivered" });
  });

  it("names the X-Ray trace only when Lambda recorded it", () => {
    vi.stubEnv(
      "_X_AMZN_TRACE_ID",
      "Root=1-683d6f3f-0f2b1c3d4e5f60718293a4b5;Parent=53995c3f42cd8ad8;Sampled=1",
    );
    const [line] = lines((logger) => logger.warn("record will be retried"));
    expect(line!.xray_trace_id).toBe("1-683d6f3f-0f2b1c3d4e5f60718293a4b5");
  });

  it("formats errors with their stack (unchanged outside a bundle)", () => {
    const error = new Error("boom");
    const [line] = lines((logger) => logger.error("ingest failed unexpectedly", { error }));
    expect(line!.error).toMatchObject({ name: "Error", message: "boom", stack: error.stack });
  });
});
