import { vi } from "vitest";
import { type EmfDirective, emf } from "../../shared/observability/emf";
import { logger, metrics } from "../../shared/observability/powertools";

export interface RecordedMetric {
  name: string;
  dimensions: Record<string, string>;
}

/** The metrics one EMF document publishes, `service` left out. */
function metricsOfEmf(
  directives: readonly EmfDirective[],
  values: Readonly<Record<string, string>>,
): RecordedMetric[] {
  return directives.flatMap((directive) =>
    directive.metrics.flatMap((name) =>
      directive.dimensions.map((set) => ({
        name,
        dimensions: Object.fromEntries(set.filter((d) => d !== "service").map((d) => [d, values[d] ?? ""])),
      })),
    ),
  );
}

/**
 * Records the metrics the code publishes — through Powertools' `singleMetric` or the EMF writer —
 * and spies on the logger, so tests neither print EMF lines nor lose them. Call
 * `restore()` (or vi.restoreAllMocks) after.
 */
export function spyOnObservability() {
  const recorded: RecordedMetric[] = [];
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
  const emfCount = vi.spyOn(emf, "count").mockImplementation((directives, values) => {
    recorded.push(...metricsOfEmf(directives, values));
  });
  const logs = [vi.spyOn(logger, "info"), vi.spyOn(logger, "warn"), vi.spyOn(logger, "error")];
  return {
    metrics: recorded,
    /** Every argument passed to the logger, serialised: what would reach a log line. */
    logText: () =>
      logs
        .flatMap((spy) => spy.mock.calls)
        .map((args) => JSON.stringify(args, errorFields))
        .join("\n"),
    restore: () => {
      singleMetric.mockRestore();
      emfCount.mockRestore();
      for (const spy of logs) spy.mockRestore();
    },
  };
}

function errorFields(_key: string, value: unknown) {
  return value instanceof Error ? { name: value.name, message: value.message, stack: value.stack } : value;
}
