/**
 * CloudWatch Embedded Metric Format, written straight to stdout: one small line per request that
 * does not depend on the log level (an INFO log line carrying `_aws` would vanish at WARN, and its
 * metrics with it). Used on the ingest hot path, where a Powertools `singleMetric()` per request
 * cost most of the handler's time (it builds a new Console each call). POWERTOOLS_METRICS_DISABLED
 * silences it like it silences Powertools Metrics.
 */
export interface EmfDirective {
  dimensions: string[][];
  metrics: string[];
}

const namespace = process.env.POWERTOOLS_METRICS_NAMESPACE ?? "WebhookPipeline";
const service = process.env.POWERTOOLS_SERVICE_NAME ?? "webhook-pipeline";

export const emf = {
  /** Counts 1 of every metric named in `directives`, under the dimension values in `dimensions`. */
  count(directives: readonly EmfDirective[], dimensions: Readonly<Record<string, string>>): void {
    if (process.env.POWERTOOLS_METRICS_DISABLED === "true") return;
    const document: Record<string, unknown> = {
      _aws: {
        Timestamp: Date.now(),
        CloudWatchMetrics: directives.map((d) => ({
          Namespace: namespace,
          Dimensions: d.dimensions,
          Metrics: d.metrics.map((name) => ({ Name: name, Unit: "Count" })),
        })),
      },
      service,
      ...dimensions,
    };
    for (const d of directives) for (const name of d.metrics) document[name] = 1;
    process.stdout.write(`${JSON.stringify(document)}\n`);
  },
};
