import { afterEach, describe, expect, it, vi } from "vitest";
import { emf } from "../../../shared/observability/emf";

describe("emf.count", () => {
  afterEach(() => {
    vi.unstubAllEnvs();
    vi.restoreAllMocks();
  });

  it("writes one EMF line whose directives name each metric and its dimension set", () => {
    vi.stubEnv("POWERTOOLS_METRICS_DISABLED", "false");
    const write = vi.spyOn(process.stdout, "write").mockImplementation(() => true);
    emf.count(
      [
        { dimensions: [["service", "provider"]], metrics: ["WebhooksReceived"] },
        { dimensions: [["service", "provider", "reason"]], metrics: ["WebhooksRejected"] },
      ],
      { provider: "github", reason: "bad_signature" },
    );
    expect(write).toHaveBeenCalledTimes(1);
    const line = String(write.mock.calls[0]![0]);
    expect(line.endsWith("\n")).toBe(true);
    const document = JSON.parse(line);
    expect(document).toMatchObject({
      service: "webhook-pipeline",
      provider: "github",
      reason: "bad_signature",
      WebhooksReceived: 1,
      WebhooksRejected: 1,
    });
    expect(document._aws.CloudWatchMetrics).toEqual([
      {
        Namespace: "WebhookPipeline",
        Dimensions: [["service", "provider"]],
        Metrics: [{ Name: "WebhooksReceived", Unit: "Count" }],
      },
      {
        Namespace: "WebhookPipeline",
        Dimensions: [["service", "provider", "reason"]],
        Metrics: [{ Name: "WebhooksRejected", Unit: "Count" }],
      },
    ]);
    expect(typeof document._aws.Timestamp).toBe("number");
  });

  it("writes nothing when metrics are disabled", () => {
    vi.stubEnv("POWERTOOLS_METRICS_DISABLED", "true");
    const write = vi.spyOn(process.stdout, "write").mockImplementation(() => true);
    emf.count([{ dimensions: [["service"]], metrics: ["X"] }], {});
    expect(write).not.toHaveBeenCalled();
  });
});
