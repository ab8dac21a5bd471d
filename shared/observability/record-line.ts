/**
 * One request's record as one JSON line on stdout, carrying its CloudWatch metrics in Embedded
 * Metric Format (`_aws`): one line instead of a log line and a metrics line. It is written at any
 * log level (a record that vanished at WARN would take its metrics with it), only not under
 * SILENT (as the process starts), which asks for no output at all; POWERTOOLS_METRICS_DISABLED
 * leaves the metrics out.
 * No `service` key: the log group says which function wrote the line, and the metrics need no
 * dimension every series shares.
 * Written straight to stdout: Lambda passes such a line through unchanged in either log format
 * (its JSON format wraps only console.* calls). Lambda's application log-level filter reads the
 * line's `level`; the stack never sets that filter above INFO (infra/constructs/lambda-defaults.ts),
 * so every record passes it.
 */

/**
 * One EMF directive: each metric counted once, under one dimension set. No `Unit`: EMF then records
 * `None`, which the pipeline's dashboards and alarms (Sum of a count, no unit asked for) read the
 * same as `Count`, and the 15 bytes per metric are paid on every webhook.
 */
export interface CountedMetrics {
  dimensions: readonly string[];
  metrics: readonly string[];
}

export interface RecordLineSettings {
  namespace: string;
  metricsEnabled: boolean;
  write: (line: string) => void;
  silent: boolean;
}

type Fields = Readonly<Record<string, unknown>>;

/** The `_aws` directives and the metric values of one list, serialised once: the lists are constants. */
function emfParts(namespace: string) {
  const cache = new WeakMap<readonly CountedMetrics[], { directives: string; values: string }>();
  return (counted: readonly CountedMetrics[]) => {
    let parts = cache.get(counted);
    if (!parts) {
      const directives = counted.map((c) => ({
        Namespace: namespace,
        Dimensions: [c.dimensions],
        Metrics: c.metrics.map((name) => ({ Name: name })),
      }));
      const names = [...new Set(counted.flatMap((c) => c.metrics))];
      parts = {
        directives: JSON.stringify(directives),
        values: names.map((name) => `,${JSON.stringify(name)}:1`).join(""),
      };
      cache.set(counted, parts);
    }
    return parts;
  };
}

export function recordLineWriter(settings: RecordLineSettings) {
  const parts = emfParts(settings.namespace);
  return (fields: Fields, counted: readonly CountedMetrics[]): void => {
    if (settings.silent) return;
    const json = JSON.stringify(fields);
    if (!settings.metricsEnabled || counted.length === 0) {
      settings.write(`${json}\n`);
      return;
    }
    const { directives, values } = parts(counted);
    const head = json.length > 2 ? `${json.slice(0, -1)},` : "{";
    settings.write(`${head}"_aws":{"Timestamp":${Date.now()},"CloudWatchMetrics":${directives}}${values}}\n`);
  };
}

/** Whether Powertools' level is SILENT, by its variables: Lambda's own level, never SILENT, comes first. */
const powertoolsSilent = (env: NodeJS.ProcessEnv) =>
  !env.AWS_LAMBDA_LOG_LEVEL && (env.POWERTOOLS_LOG_LEVEL || env.LOG_LEVEL || "").toUpperCase() === "SILENT";

/** The process's writer, configured like Powertools (an object, so that tests can spy on `write`). */
export const recordLine = {
  write: recordLineWriter({
    namespace: process.env.POWERTOOLS_METRICS_NAMESPACE ?? "WebhookPipeline",
    metricsEnabled: process.env.POWERTOOLS_METRICS_DISABLED !== "true",
    write: (line) => process.stdout.write(line),
    silent: powertoolsSilent(process.env),
  }),
};
