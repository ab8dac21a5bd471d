import { vi } from "vitest";
import { logger, metrics } from "../../shared/observability/powertools";
import { type CountedMetrics, metricName, recordLine } from "../../shared/observability/record-line";

export interface RecordedMetric {
  name: string;
  dimensions: Record<string, string>;
}

/** The metrics one record line publishes, `service` left out. */
function metricsOfRecord(
  counted: readonly CountedMetrics[],
  fields: Readonly<Record<string, unknown>>,
): RecordedMetric[] {
  return counted.flatMap((directive) =>
    directive.metrics.map((metric) => ({
      name: metricName(metric),
      dimensions: Object.fromEntries(
        directive.dimensions.filter((d) => d !== "service").map((d) => [d, String(fields[d] ?? "")]),
      ),
    })),
  );
}

/**
 * Records the metrics the code publishes — through Powertools' `singleMetric` or a request's record
 * line — and spies on the logger and the record lines, so tests neither print them nor lose them.
 * Call `restore()` (or vi.restoreAllMocks) after.
 */
export function spyOnObservability() {
  const recorded: RecordedMetric[] = [];
  const records: Readonly<Record<string, unknown>>[] = [];
  const singleMetric = vi.spyOn(metrics, "singleMetric").mockImplementation(() => {
    const dimensions: Record<string, string> = {};
    const stub = {
      addDimension: (name: string, value: string) => {
        dimensions[name] = value;
        return stub;
      },
      addMetric: (name: string) => {
        recorded.push({ name, dimensions: { ...dimensions } });
        return stub;
      },
    };
    return stub as unknown as ReturnType<typeof metrics.singleMetric>;
  });
  const recordWrite = vi.spyOn(recordLine, "write").mockImplementation((fields, counted) => {
    records.push(fields);
    recorded.push(...metricsOfRecord(counted, fields));
  });
  const logs = [vi.spyOn(logger, "info"), vi.spyOn(logger, "warn"), vi.spyOn(logger, "error")];
  return {
    metrics: recorded,
    /** The fields of every record line written. */
    records,
    /**
     * What would reach the log, one line per call in the order made: the logger's arguments, and
     * each record line as the same pair, `[message, the other fields]`.
     */
    logText: () => {
      const lines = logs.flatMap((spy) =>
        spy.mock.calls.map((args, i) => ({
          order: spy.mock.invocationCallOrder[i]!,
          args: args as unknown[],
        })),
      );
      recordWrite.mock.calls.forEach(([{ message, ...fields }], i) => {
        lines.push({ order: recordWrite.mock.invocationCallOrder[i]!, args: [message, fields] });
      });
      return lines
        .sort((a, b) => a.order - b.order)
        .map((line) => JSON.stringify(line.args, errorFields))
        .join("\n");
    },
    restore: () => {
      singleMetric.mockRestore();
      recordWrite.mockRestore();
      for (const spy of logs) spy.mockRestore();
    },
  };
}

function errorFields(_key: string, value: unknown) {
  return value instanceof Error ? { name: value.name, message: value.message, stack: value.stack } : value;
}
