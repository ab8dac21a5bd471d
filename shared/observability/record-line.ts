/**
 * A record as one JSON line on stdout, carrying its CloudWatch metrics in Embedded Metric Format
 * (`_aws`): one line instead of a log line and a metrics line (ingest's line per request, the
 * router's per invocation and per record it did not simply deliver). It is written at any log level
 * (a record that vanished at WARN would take its metrics with it), only not under SILENT (as the
 * process starts), which asks for no output at all; POWERTOOLS_METRICS_DISABLED leaves the metrics
 * out.
 * No `service` key of its own: the log group says which function wrote the line, and ingest's
 * metrics need no dimension every series shares (the router gives the `service` field its alarms'
 * dimension needs).
 * Written straight to stdout: Lambda passes such a line through unchanged in either log format
 * (its JSON format wraps only console.* calls). Lambda's application log-level filter reads the
 * line's `level`; the stack never sets that filter above INFO (infra/constructs/lambda-defaults.ts),
 * so every record passes it.
 */

/**
 * A metric a directive names: a count by its name alone, or a name with the unit its readers need.
 * A count has no `Unit`: EMF then records `None`, which the pipeline's dashboards and alarms (Sum of
 * a count, no unit asked for) read the same as `Count`, and the 15 bytes per metric are paid on every
 * webhook. A duration keeps `Milliseconds`, the unit its graphs and earlier data points carry.
 */
export type MetricName = string | { readonly name: string; readonly unit: "Milliseconds" };

/** One EMF directive: the metrics it names, under one dimension set (the dimensions are fields of the line). */
export interface CountedMetrics {
  dimensions: readonly string[];
  metrics: readonly MetricName[];
}

/**
 * Values of the metrics a line names, where they are not 1: a number (a count of several), or the
 * samples of a distribution (at most EMF_MAX_VALUES, never empty).
 */
export type MetricValues = Readonly<Record<string, number | readonly number[]>>;

/** The most values EMF takes for one metric in one line. */
export const EMF_MAX_VALUES = 100;

export interface RecordLineSettings {
  namespace: string;
  metricsEnabled: boolean;
  write: (line: string) => void;
  silent: boolean;
}

type Fields = Readonly<Record<string, unknown>>;

export const metricName = (metric: MetricName) => (typeof metric === "string" ? metric : metric.name);

/** The `_aws` directives, the metric names and their values of 1 of one list, serialised once: the lists are constants. */
function emfParts(namespace: string) {
  const cache = new WeakMap<
    readonly CountedMetrics[],
    { directives: string; names: readonly string[]; ones: string }
  >();
  return (counted: readonly CountedMetrics[]) => {
    let parts = cache.get(counted);
    if (!parts) {
      const directives = counted.map((c) => ({
        Namespace: namespace,
        Dimensions: [c.dimensions],
        Metrics: c.metrics.map((metric) =>
          typeof metric === "string" ? { Name: metric } : { Name: metric.name, Unit: metric.unit },
        ),
      }));
      const names = [...new Set(counted.flatMap((c) => c.metrics.map(metricName)))];
      parts = {
        directives: JSON.stringify(directives),
        names,
        ones: names.map((name) => `,${JSON.stringify(name)}:1`).join(""),
      };
      cache.set(counted, parts);
    }
    return parts;
  };
}

/** Each named metric's value (1 unless given), checked: a line EMF would refuse loses its metrics unseen. */
function valuesText(names: readonly string[], values: MetricValues): string {
  return names
    .map((name) => {
      const value = values[name] ?? 1;
      if (typeof value !== "number" && (value.length === 0 || value.length > EMF_MAX_VALUES)) {
        throw new RangeError(`${name} has ${value.length} values; an EMF line takes 1 to ${EMF_MAX_VALUES}`);
      }
      return `,${JSON.stringify(name)}:${JSON.stringify(value)}`;
    })
    .join("");
}

/**
 * Writes a record given as the JSON text of an object (`{...}`) (ingest's accepted line, paid on
 * every webhook, is joined from constant pieces). The text must be one JSON object on one line: it
 * is joined with the EMF block as it is.
 */
function recordJsonLineWriter(settings: RecordLineSettings) {
  const parts = emfParts(settings.namespace);
  return (json: string, counted: readonly CountedMetrics[], values?: MetricValues): void => {
    if (settings.silent) return;
    if (!settings.metricsEnabled || counted.length === 0) {
      settings.write(`${json}\n`);
      return;
    }
    const { directives, names, ones } = parts(counted);
    const head = json.length > 2 ? `${json.slice(0, -1)},` : "{";
    const metricValues = values ? valuesText(names, values) : ones;
    settings.write(
      `${head}"_aws":{"Timestamp":${Date.now()},"CloudWatchMetrics":${directives}}${metricValues}}\n`,
    );
  };
}

/**
 * Both ways to write a record to one output: by its fields (`write`), or by its JSON text
 * (`writeJson`, for a caller that builds that text faster than JSON.stringify of its fields would).
 */
export function recordLineWriters(settings: RecordLineSettings) {
  const writeJson = recordJsonLineWriter(settings);
  return {
    write(fields: Fields, counted: readonly CountedMetrics[], values?: MetricValues): void {
      if (!settings.silent) writeJson(JSON.stringify(fields), counted, values);
    },
    writeJson,
  };
}

/** Whether Powertools' level is SILENT, by its variables: Lambda's own level, never SILENT, comes first. */
const powertoolsSilent = (env: NodeJS.ProcessEnv) =>
  !env.AWS_LAMBDA_LOG_LEVEL && (env.POWERTOOLS_LOG_LEVEL || env.LOG_LEVEL || "").toUpperCase() === "SILENT";

const processSettings: RecordLineSettings = {
  namespace: process.env.POWERTOOLS_METRICS_NAMESPACE ?? "WebhookPipeline",
  metricsEnabled: process.env.POWERTOOLS_METRICS_DISABLED !== "true",
  write: (line) => process.stdout.write(line),
  silent: powertoolsSilent(process.env),
};
/**
 * The process's writer, configured like Powertools (an object, so that tests can spy on `write` and
 * `writeJson`): a record by its fields, or by its JSON text.
 */
export const recordLine = recordLineWriters(processSettings);
