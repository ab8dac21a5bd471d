import { describe, expect, it } from "vitest";
import { deployedNameLength, handlerLogs } from "../../../bench/cost/handler-logs";
import { meterLine } from "../../../bench/cost/meter-lines";
import { API_REQUEST_ID } from "../../../bench/cost/platform-logs";
import { factsFromTemplate } from "../../../bench/cost/stack-facts";

const template = {
  Resources: {
    IngestFn: {
      Type: "AWS::Lambda::Function",
      Properties: {
        MemorySize: 256,
        Architectures: ["arm64"],
        TracingConfig: { Mode: "Active" },
        LoggingConfig: { LogGroup: { Ref: "IngestLogs" }, LogFormat: "JSON", SystemLogLevel: "WARN" },
        Environment: {
          Variables: {
            PROVIDER: "slack",
            QUEUE_URL: { Ref: "Queue" },
            SLACK_SIGNING_SECRET_ARN: { Ref: "S" },
          },
        },
      },
    },
    IngestLogs: { Type: "AWS::Logs::LogGroup", Properties: { RetentionInDays: 7 } },
    Stage: {
      Type: "AWS::ApiGatewayV2::Stage",
      Properties: {
        AccessLogSettings: {
          DestinationArn: { "Fn::GetAtt": ["AccessLogs", "Arn"] },
          Format: '{"status":"$context.status"}',
        },
      },
    },
    AccessLogs: {
      Type: "AWS::Logs::LogGroup",
      Properties: { RetentionInDays: 14, LogGroupClass: "INFREQUENT_ACCESS" },
    },
    RouterFn: { Type: "AWS::Lambda::Function", Properties: { MemorySize: 512 } },
    Mapping: {
      Type: "AWS::Lambda::EventSourceMapping",
      Properties: { FunctionName: { Ref: "RouterFn" }, BatchSize: 10, MaximumBatchingWindowInSeconds: 1 },
    },
    Events: {
      Type: "AWS::DynamoDB::Table",
      Properties: {
        KeySchema: [{ AttributeName: "event_id", KeyType: "HASH" }],
        GlobalSecondaryIndexes: [
          {
            IndexName: "by-status",
            KeySchema: [
              { AttributeName: "status", KeyType: "HASH" },
              { AttributeName: "updated_at", KeyType: "RANGE" },
            ],
            Projection: { ProjectionType: "KEYS_ONLY" },
          },
        ],
        TimeToLiveSpecification: { AttributeName: "expires_at", Enabled: true },
      },
    },
    Rule: {
      Type: "AWS::XRay::SamplingRule",
      Properties: {
        SamplingRule: {
          RuleName: "one-percent",
          Priority: 1,
          FixedRate: 0.01,
          ReservoirSize: 0,
          ServiceName: "*",
        },
      },
    },
  },
};

describe("the stack facts", () => {
  it("reads what prices depend on from the template", () => {
    const facts = factsFromTemplate(template);
    const ingest = facts.functions.find((f) => f.logicalId === "IngestFn")!;
    expect(ingest).toMatchObject({
      memoryMb: 256,
      architecture: "arm64",
      tracing: "Active",
      logFormat: "JSON",
      systemLogLevel: "WARN",
      logRetentionDays: 7,
      logClass: "STANDARD",
      env: { PROVIDER: "slack" },
      secrets: 1,
    });
    expect(facts.functions.find((f) => f.logicalId === "RouterFn")).toMatchObject({
      architecture: "x86_64",
      tracing: "PassThrough",
      logFormat: "Text",
    });
    expect(facts.router).toEqual({ logicalId: "RouterFn", batchSize: 10, batchWindowSeconds: 1 });
    expect(facts.tables[0]).toMatchObject({
      partitionKey: "event_id",
      pitr: false,
      ttlAttribute: "expires_at",
      indexes: [
        { name: "by-status", partitionKey: "status", sortKey: "updated_at", projection: "KEYS_ONLY" },
      ],
    });
    expect(facts.samplingRules).toEqual([{ name: "one-percent", fixedRate: 0.01, reservoirPerSecond: 0 }]);
    expect(facts.accessLog).toEqual({
      format: '{"status":"$context.status"}',
      retentionDays: 14,
      logClass: "INFREQUENT_ACCESS",
    });
  });

  it("refuses a log group class it has no price for", () => {
    const delivery = structuredClone(template);
    (delivery.Resources.AccessLogs.Properties as Record<string, unknown>).LogGroupClass = "DELIVERY";
    expect(() => factsFromTemplate(delivery)).toThrowError(/log group class "DELIVERY" has no price/);
  });
});

describe("the handlers' log lines", () => {
  it("counts the handlers' lines, not the runner's, and reads the meter's lines apart", () => {
    const ingestLine = JSON.stringify({
      level: "INFO",
      message: "webhook accepted",
      function_name: "webhook-ingest",
    });
    const output = [
      "agent: received evt-1 for extend/extend-sre",
      "(node:123) Warning: something",
      ingestLine,
      '{"_aws":{"CloudWatchMetrics":[]},"service":"webhook-pipeline"}',
      "No application metrics to publish.",
      meterLine({ fn: "ingest", ms: 3.2, path: "/webhooks/slack/events" }).trimEnd(),
      meterLine({ fn: "s3", method: "PUT" }).trimEnd(),
      "",
    ].join("\n");
    const logs = handlerLogs(output, { ingest: 50, router: 50 });
    expect(logs.lines).toBe(3);
    expect(logs.timings).toEqual([{ fn: "ingest", ms: 3.2, path: "/webhooks/slack/events" }]);
    expect(logs.s3Requests).toEqual({ PUT: 1 });
    // The ingest line carries the deployed name's length instead of `webhook-ingest`'s.
    expect(logs.byFunction.ingest).toBe(Buffer.byteLength(ingestLine) + 1 + (50 - "webhook-ingest".length));
    expect(logs.shapes.map((s) => s.shape)).toContain("INFO webhook accepted");
  });

  it("counts a local correlation id (a UUID) at the length of API Gateway's request id", () => {
    const uuid = "e0a807b3-ae84-41ec-ae35-58d986020d23";
    const line = (id: string) => JSON.stringify({ message: "delivered", correlation_id: id, event_id: uuid });
    const logs = handlerLogs(line(uuid), { ingest: 50, router: 50 });
    expect(logs.bytes).toBe(Buffer.byteLength(line(uuid)) + 1);
    // Only the correlation id is shortened: the event id is a UUID in AWS too.
    expect(logs.deployedBytes).toBe(Buffer.byteLength(line(API_REQUEST_ID)) + 1);
    expect(handlerLogs(line("not-a-uuid"), { ingest: 50, router: 50 }).deployedBytes).toBe(
      Buffer.byteLength(line("not-a-uuid")) + 1,
    );
  });

  it("takes CloudFormation's function name length: stack, logical id, 12 characters, at most 64", () => {
    expect(deployedNameLength("WebhookPipeline", "RouterFunction")).toBe(15 + 1 + 14 + 1 + 12);
    expect(deployedNameLength("S".repeat(40), "L".repeat(40))).toBe(64);
  });
});
