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
  const record = (fields: Readonly<Record<string, unknown>>, counted: readonly CountedMetrics[]) => {
    records.push(fields);
    recorded.push(...metricsOfRecord(counted, fields));
  };
  const recordWrite = vi.spyOn(recordLine, "write").mockImplementation(record);
  // A record given as its JSON text is read back as the fields a reader of the line would see.
  const recordWriteJson = vi
    .spyOn(recordLine, "writeJson")
    .mockImplementation((json, counted) => record(JSON.parse(json), counted));
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
      const written = [
        ...recordWrite.mock.calls.map(([fields], i) => ({
          fields,
          order: recordWrite.mock.invocationCallOrder[i]!,
        })),
        ...recordWriteJson.mock.calls.map(([json], i) => ({
          fields: JSON.parse(json) as Record<string, unknown>,
          order: recordWriteJson.mock.invocationCallOrder[i]!,
        })),
      ];
      for (const {
        fields: { message, ...fields },
        order,
      } of written)
        lines.push({ order, args: [message, fields] });
      return lines
        .sort((a, b) => a.order - b.order)
        .map((line) => JSON.stringify(line.args, errorFields))
        .join("\n");
    },
    restore: () => {
      singleMetric.mockRestore();
      recordWrite.mockRestore();
      recordWriteJson.mockRestore();
      for (const spy of logs) spy.mockRestore();
    },
  };
}

function errorFields(_key: string, value: unknown) {
  return value instanceof Error ? { name: value.name, message: value.message, stack: value.stack } : value;
}
