import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { Match } from "aws-cdk-lib/assertions";
import { beforeAll, describe, expect, it } from "vitest";
import { AGENT_ERROR_CLASSES } from "../../infra/constructs/observability";
import { PAYLOAD_BUCKET_LOGICAL_ID } from "../../infra/constructs/payload-bucket";
import { ROUTER_FUNCTION_LOGICAL_ID } from "../../infra/constructs/router";
import { ingestFunctionLogicalId } from "../../infra/constructs/webhook-api";
import { DEFAULT_TEAM_TOKEN_SECRET_PREFIX, DEFAULT_THROTTLE, SECRET_NAMES } from "../../infra/settings";
import { PACKAGE_VERSION, secretArnOutputId, webhookUrlOutputId } from "../../infra/webhook-pipeline-stack";
import {
  EVENTS_TABLE,
  IDEMPOTENCY_TABLE,
  PAYLOAD_BUCKET,
  ROUTING_TABLE,
  visibilityTimeoutSeconds,
  WEBHOOK_QUEUE,
} from "../../shared/config/resources";
import { PROVIDER_NAMES } from "../../shared/providers/provider";
import { PROVIDERS, WEBHOOK_ROUTES } from "../../shared/providers/registry";
import {
  actionsOf,
  allStatements,
  envOf,
  functionProps,
  type Json,
  joinedText,
  objectArnOf,
  refId,
  resourcesOf,
  type SynthesizedPipeline,
  statementsOfRole,
  synthPipeline,
} from "./synth-pipeline";

let synth: SynthesizedPipeline;
let resources: Record<string, Json>;
const ofType = (type: string) => Object.entries(resources).filter(([, r]) => r.Type === type);
const only = (type: string): [string, Json] => {
  const found = ofType(type);
  expect(found, type).toHaveLength(1);
  return found[0]!;
};

// One real synthesis (every function bundled by the local esbuild) for the whole file.
beforeAll(() => {
  synth = synthPipeline({ alarmEmail: "oncall@example.com" });
  resources = synth.template.toJSON().Resources;
}, 180_000);

const queueId = () => ofType("AWS::SQS::Queue").find(([, r]) => r.Properties.QueueName)![0];
const deadLetterQueueId = () => ofType("AWS::SQS::Queue").find(([, r]) => !r.Properties.QueueName)![0];
const secretIdOf = (name: string) => {
  const found = ofType("AWS::SecretsManager::Secret").filter(([id]) =>
    id.startsWith(
      `Secrets${name.toLowerCase().replace(/(^|_)([a-z])/g, (_, __, c: string) => c.toUpperCase())}`,
    ),
  );
  expect(found, name).toHaveLength(1);
  return found[0]![0];
};
const roleOf = (functionId: string) => refId(functionProps(synth.template, functionId).Role);
/** The secret a provider verifies with, and the one its unsigned handshake's token is kept in. */
const secretOf = (provider: (typeof PROVIDER_NAMES)[number]) => PROVIDERS[provider].secret.name;
const tokenStoreOf = (provider: (typeof PROVIDER_NAMES)[number]) =>
  PROVIDERS[provider].unsignedHandshake?.store.name;

describe("HTTP API", () => {
  it("has a POST route per webhook path, each integrated with the function of its provider", () => {
    const routes = ofType("AWS::ApiGatewayV2::Route").map(([, r]) => r.Properties);
    for (const { path, provider } of WEBHOOK_ROUTES) {
      const route = routes.find((r) => r.RouteKey === `POST ${path}`);
      expect(route, path).toBeDefined();
      const integrationId = (route!.Target["Fn::Join"][1] as unknown[]).map((p) =>
        typeof p === "string" ? p : refId(p),
      );
      expect(integrationId[0]).toBe("integrations/");
      const integration = resources[integrationId[1]!]!;
      expect(integration.Properties).toMatchObject({
        IntegrationType: "AWS_PROXY",
        PayloadFormatVersion: "2.0",
      });
      const functionId = refId(integration.Properties.IntegrationUri);
      expect(functionId).toBe(ingestFunctionLogicalId(provider));
      expect(envOf(functionProps(synth.template, functionId)).PROVIDER).toBe(provider);
    }
  });

  it("routes GET /health to the Slack ingest function and has no other routes", () => {
    const keys = ofType("AWS::ApiGatewayV2::Route").map(([, r]) => r.Properties.RouteKey);
    expect(keys.sort()).toEqual([...WEBHOOK_ROUTES.map((r) => `POST ${r.path}`), "GET /health"].sort());
    const health = ofType("AWS::ApiGatewayV2::Route").find(
      ([, r]) => r.Properties.RouteKey === "GET /health",
    )![1];
    const integrationId = refId(health.Properties.Target["Fn::Join"][1][1]);
    expect(refId(resources[integrationId]!.Properties.IntegrationUri)).toBe(ingestFunctionLogicalId("slack"));
  });

  it("lets API Gateway invoke each function only for its own routes", () => {
    const permissions = ofType("AWS::Lambda::Permission").map(([, r]) => r.Properties);
    expect(permissions).toHaveLength(WEBHOOK_ROUTES.length + 1);
    for (const { path, provider } of [...WEBHOOK_ROUTES, { path: "/health", provider: "slack" as const }]) {
      const permission = permissions.find((p) => {
        const parts = p.SourceArn["Fn::Join"][1] as unknown[];
        return parts[parts.length - 1] === `/*/*${path}`;
      });
      expect(permission, path).toMatchObject({
        Action: "lambda:InvokeFunction",
        Principal: "apigateway.amazonaws.com",
      });
      expect(refId(permission!.FunctionName)).toBe(ingestFunctionLogicalId(provider));
    }
  });

  it("throttles every route only above what an incident storm sends (1,000 rps, burst 2,000) and writes JSON access logs", () => {
    const [, stage] = only("AWS::ApiGatewayV2::Stage");
    expect(stage.Properties).toMatchObject({
      StageName: "$default",
      AutoDeploy: true,
      DefaultRouteSettings: {
        ThrottlingRateLimit: DEFAULT_THROTTLE.rateLimit,
        ThrottlingBurstLimit: DEFAULT_THROTTLE.burstLimit,
      },
    });
    expect(DEFAULT_THROTTLE).toEqual({ rateLimit: 1_000, burstLimit: 2_000 });
    // No route overrides the stage's limits with lower ones.
    expect(stage.Properties.RouteSettings).toBeUndefined();
    const format = JSON.parse(stage.Properties.AccessLogSettings.Format);
    // The correlation id the ingest record and router lines carry, and what only API Gateway sees.
    expect(format).toEqual({
      correlation_id: "$context.requestId",
      ip: "$context.identity.sourceIp",
      request: "$context.httpMethod $context.path",
      status: "$context.status",
      response_ms: "$context.responseLatency",
      error: "$context.integrationErrorMessage",
    });
    expect(Object.values(format).join(" ")).not.toMatch(/header|body|authorization/i);
    const logGroupId = refId(stage.Properties.AccessLogSettings.DestinationArn);
    expect(resources[logGroupId]!.Type).toBe("AWS::Logs::LogGroup");
  });

  it("keeps the access log in the Infrequent Access class, with no filter on it, and the functions' logs Standard", () => {
    const [, stage] = only("AWS::ApiGatewayV2::Stage");
    const accessLogId = refId(stage.Properties.AccessLogSettings.DestinationArn);
    expect(resources[accessLogId]!.Properties.LogGroupClass).toBe("INFREQUENT_ACCESS");
    // An Infrequent Access group takes no metric or subscription filter: the stack puts none anywhere.
    expect(ofType("AWS::Logs::MetricFilter")).toEqual([]);
    expect(ofType("AWS::Logs::SubscriptionFilter")).toEqual([]);
    // The functions' lines carry their EMF metrics, which CloudWatch extracts only in Standard groups.
    for (const [id, fn] of ofType("AWS::Lambda::Function")) {
      const group = resources[refId(fn.Properties.LoggingConfig.LogGroup)]!;
      expect(group.Properties.LogGroupClass, id).toBeUndefined();
    }
  });
});

describe("ingest functions", () => {
  it("are one Node.js 22 arm64 function per provider with a short timeout, modest memory and sampled tracing", () => {
    for (const provider of PROVIDER_NAMES) {
      const props = functionProps(synth.template, ingestFunctionLogicalId(provider));
      expect(props).toMatchObject({
        Runtime: "nodejs22.x",
        Architectures: ["arm64"],
        Handler: "index.handler",
        TracingConfig: { Mode: "PassThrough" },
        MemorySize: 256,
      });
      expect(props.Timeout).toBeLessThanOrEqual(10);
      // Ingest starts a trace for 1 % of the queued events (functions/ingest/sampled-traces.ts).
      expect(envOf(props).TRACING_SAMPLE_RATE, provider).toBe("0.01");
    }
  });

  it("are updated after the router, which reads every envelope version they write", () => {
    const template = synth.template.toJSON();
    for (const provider of PROVIDER_NAMES) {
      expect(template.Resources[ingestFunctionLogicalId(provider)].DependsOn, provider).toContain(
        ROUTER_FUNCTION_LOGICAL_ID,
      );
    }
  });

  it("are configured by environment only, with their own secret's ARN and no secret value", () => {
    const queue = queueId();
    for (const provider of PROVIDER_NAMES) {
      const env = envOf(functionProps(synth.template, ingestFunctionLogicalId(provider)));
      const own = secretOf(provider);
      const store = tokenStoreOf(provider);
      expect(env).toMatchObject({
        PROVIDER: provider,
        MAX_BODY_BYTES: "5000000",
        MAX_MESSAGE_BYTES: "1048576",
        // An hour: a request the cached secret does not verify re-reads it, so the age bounds only
        // how long a revoked secret keeps verifying.
        SECRETS_CACHE_SECONDS: "3600",
        VERSION: PACKAGE_VERSION,
        POWERTOOLS_METRICS_NAMESPACE: "WebhookPipeline",
      });
      expect(refId(env.QUEUE_URL)).toBe(queue);
      expect(refId(env.PAYLOAD_BUCKET)).toBe(PAYLOAD_BUCKET_LOGICAL_ID);
      // No eventFilters context: every event is forwarded.
      expect(env.EVENT_FILTERS).toBeUndefined();
      expect(refId(env[`${own}_ARN`])).toBe(secretIdOf(own));
      const secretVariables = Object.keys(env).filter((k) => SECRET_NAMES.some((n) => k.startsWith(n)));
      expect(secretVariables.sort(), provider).toEqual(
        [`${own}_ARN`, ...(store ? [`${store}_ARN`] : [])].sort(),
      );
      if (store) expect(refId(env[`${store}_ARN`])).toBe(secretIdOf(store));
    }
  });

  it("may send to the queue (and read its attributes), store large payloads, read their own provider's secret, write its handshake token's and audit records, nothing more", () => {
    const queue = queueId();
    const [eventsTable] = Object.keys(synth.template.findResources("AWS::DynamoDB::Table")).filter((id) =>
      id.includes("Events"),
    );
    for (const provider of PROVIDER_NAMES) {
      const functionId = ingestFunctionLogicalId(provider);
      const statements = statementsOfRole(synth.template, roleOf(functionId));
      const byActions = Object.fromEntries(statements.map((s) => [actionsOf(s).sort().join(","), s]));
      const store = tokenStoreOf(provider);
      expect(Object.keys(byActions).sort()).toEqual(
        [
          "dynamodb:PutItem,dynamodb:UpdateItem",
          "logs:CreateLogStream,logs:PutLogEvents",
          "s3:PutObject",
          "secretsmanager:GetSecretValue",
          ...(store ? ["secretsmanager:PutSecretValue"] : []),
          "sqs:GetQueueAttributes",
          "sqs:SendMessage",
          "xray:PutTelemetryRecords,xray:PutTraceSegments",
        ].sort(),
      );
      if (store) {
        expect(resourcesOf(byActions["secretsmanager:PutSecretValue"]!).map(refId)).toEqual([
          secretIdOf(store),
        ]);
      }
      expect(resourcesOf(byActions["sqs:SendMessage"]!).map(refId)).toEqual([queue]);
      // The audit trail goes to the events table only; ingest reads none of it.
      expect(resourcesOf(byActions["dynamodb:PutItem,dynamodb:UpdateItem"]!).map(refId)).toEqual([
        eventsTable,
      ]);
      expect(resourcesOf(byActions["sqs:GetQueueAttributes"]!).map(refId)).toEqual([queue]);
      expect(resourcesOf(byActions["s3:PutObject"]!).map(objectArnOf)).toEqual([
        { id: PAYLOAD_BUCKET_LOGICAL_ID, suffix: `/${PAYLOAD_BUCKET.keyPrefix}*` },
      ]);
      expect(resourcesOf(byActions["secretsmanager:GetSecretValue"]!).map(refId)).toEqual([
        secretIdOf(secretOf(provider)),
      ]);
      const logGroup = refId(functionProps(synth.template, functionId).LoggingConfig.LogGroup);
      expect(resourcesOf(byActions["logs:CreateLogStream,logs:PutLogEvents"]!).map(refId)).toEqual([
        logGroup,
      ]);
    }
  });

  it("are bundled by the local esbuild as a minified ES module with a source map", () => {
    const assets = new Set(
      ofType("AWS::Lambda::Function").map(([, r]) =>
        (r.Properties.Code.S3Key as string).replace(/\.zip$/, ""),
      ),
    );
    expect(assets.size).toBe(2); // every ingest function shares one bundle; the router has its own
    for (const hash of assets) {
      const dir = join(synth.assembly.directory, `asset.${hash}`);
      expect(existsSync(join(dir, "index.mjs")), dir).toBe(true);
      expect(existsSync(join(dir, "index.mjs.map"))).toBe(true);
      const code = readFileSync(join(dir, "index.mjs"), "utf8");
      expect(code.startsWith("import { createRequire } from 'node:module';")).toBe(true);
      // Minified: long lines (the few line breaks left are inside template literals).
      expect(code.length / code.split("\n").length).toBeGreaterThan(1000);
    }
  });
});

describe("queue and dead-letter queue", () => {
  it("encrypts both queues and refuses requests without TLS", () => {
    for (const [, queue] of ofType("AWS::SQS::Queue"))
      expect(queue.Properties.SqsManagedSseEnabled).toBe(true);
    const policies = ofType("AWS::SQS::QueuePolicy").map(([, p]) => p.Properties);
    for (const id of [queueId(), deadLetterQueueId()]) {
      const policy = policies.find((p) => p.Queues.some((q: unknown) => refId(q) === id));
      expect(policy!.PolicyDocument.Statement).toEqual(
        expect.arrayContaining([
          expect.objectContaining({
            Effect: "Deny",
            Action: "sqs:*",
            Condition: { Bool: { "aws:SecureTransport": "false" } },
          }),
        ]),
      );
    }
  });

  it("gives the queue six times the router's timeout and sends exhausted messages to the dead-letter queue", () => {
    const queue = resources[queueId()]!.Properties;
    const routerTimeout = functionProps(synth.template, ROUTER_FUNCTION_LOGICAL_ID).Timeout as number;
    expect(routerTimeout).toBe(WEBHOOK_QUEUE.routerTimeoutSeconds);
    expect(queue.VisibilityTimeout).toBe(visibilityTimeoutSeconds(routerTimeout));
    expect(queue.VisibilityTimeout).toBeGreaterThanOrEqual(6 * routerTimeout);
    expect(queue.MessageRetentionPeriod).toBe(WEBHOOK_QUEUE.retentionDays * 86_400);
    expect(queue.RedrivePolicy.maxReceiveCount).toBe(WEBHOOK_QUEUE.maxReceiveCount);
    expect(refId(queue.RedrivePolicy.deadLetterTargetArn)).toBe(deadLetterQueueId());
  });

  it("keeps dead letters 14 days and lets only the webhook queue use the dead-letter queue", () => {
    const dlq = resources[deadLetterQueueId()]!.Properties;
    expect(dlq.MessageRetentionPeriod).toBe(14 * 86_400);
    expect(dlq.RedriveAllowPolicy.redrivePermission).toBe("byQueue");
    const [arn] = dlq.RedriveAllowPolicy.sourceQueueArns;
    const parts = arn["Fn::Join"][1] as unknown[];
    expect(parts[parts.length - 1]).toBe(`:${resources[queueId()]!.Properties.QueueName}`);
  });
});

describe("router", () => {
  it("runs Node.js 22 on arm64 with every setting it reads from the environment", () => {
    const props = functionProps(synth.template, ROUTER_FUNCTION_LOGICAL_ID);
    expect(props).toMatchObject({
      Runtime: "nodejs22.x",
      Architectures: ["arm64"],
      // Traced when ingest sampled the event: Lambda follows the message's trace header.
      TracingConfig: { Mode: "PassThrough" },
    });
    const env = envOf(props);
    expect(Object.keys(env)).toEqual(
      expect.arrayContaining([
        "ROUTING_TABLE",
        "EVENTS_TABLE",
        "IDEMPOTENCY_TABLE",
        "QUEUE_URL",
        "AGENT_URL",
        "AGENT_SIGNING_SECRET_ARN",
        "SLACK_BOT_TOKEN_ARN",
        "SLACK_API_URL",
        "AGENT_TIMEOUT_MS",
        "MAX_RECEIVE_COUNT",
        "ROUTING_CACHE_SECONDS",
        "TEAM_TOKEN_SECRET_PREFIX",
      ]),
    );
    expect(env.TEAM_TOKEN_SECRET_PREFIX).toBe(DEFAULT_TEAM_TOKEN_SECRET_PREFIX);
    expect(env.AGENT_URL).toEqual({ Ref: "AgentUrl" });
    expect(env.MAX_RECEIVE_COUNT).toBe(String(WEBHOOK_QUEUE.maxReceiveCount));
    expect(env.AGENT_TIMEOUT_MS).toBe("10000");
    expect(env.SLACK_API_URL).toBe("https://slack.com/api");
    // Nothing tells the router a secret changed: rotation waits out its cache age, kept at 15 minutes.
    expect(env.SECRETS_CACHE_SECONDS).toBe("900");
    expect(env.DEFAULT_TEAM).toBeUndefined();
    expect(Object.keys(env).filter((k) => SECRET_NAMES.some((n) => k === n))).toEqual([]);
  });

  it("is fed by the queue in batches with partial batch responses and capped concurrency", () => {
    const [, mapping] = only("AWS::Lambda::EventSourceMapping");
    expect(mapping.Properties).toMatchObject({
      BatchSize: 10,
      MaximumBatchingWindowInSeconds: 1,
      FunctionResponseTypes: ["ReportBatchItemFailures"],
      ScalingConfig: { MaximumConcurrency: 5 },
    });
    expect(refId(mapping.Properties.EventSourceArn)).toBe(queueId());
    expect(refId(mapping.Properties.FunctionName)).toBe(ROUTER_FUNCTION_LOGICAL_ID);
  });

  it("reads routing, writes outcomes and idempotency records, reads its two secrets and team tokens, and backs off retries", () => {
    const statements = statementsOfRole(synth.template, roleOf(ROUTER_FUNCTION_LOGICAL_ID));
    const allowedOn = (id: string) =>
      statements
        .filter((s) =>
          resourcesOf(s).some(
            (r) => typeof r !== "string" && !objectArnOf(r) && !joinedText(r) && refId(r) === id,
          ),
        )
        .flatMap(actionsOf);
    const tableId = (prefix: string) =>
      ofType("AWS::DynamoDB::Table").find(([id]) => id.startsWith(prefix))![0];

    expect(allowedOn(queueId())).toEqual(
      expect.arrayContaining(["sqs:ReceiveMessage", "sqs:DeleteMessage", "sqs:ChangeMessageVisibility"]),
    );
    expect(allowedOn(queueId())).not.toContain("sqs:SendMessage");
    expect(allowedOn(tableId("TablesRouting")).sort()).toEqual(
      ["dynamodb:BatchGetItem", "dynamodb:GetItem", "dynamodb:Query"].sort(),
    );
    for (const table of [tableId("TablesEvents"), tableId("TablesIdempotency")]) {
      expect(allowedOn(table)).toEqual(
        expect.arrayContaining([
          "dynamodb:GetItem",
          "dynamodb:PutItem",
          "dynamodb:UpdateItem",
          "dynamodb:DeleteItem",
        ]),
      );
      expect(allowedOn(table)).not.toContain("dynamodb:Scan");
    }
    const secretReads = statements.filter((s) => actionsOf(s).includes("secretsmanager:GetSecretValue"));
    for (const read of secretReads) expect(actionsOf(read)).toEqual(["secretsmanager:GetSecretValue"]);
    const secretResources = secretReads.flatMap(resourcesOf);
    expect(
      secretResources
        .filter((r) => !joinedText(r))
        .map(refId)
        .sort(),
    ).toEqual([secretIdOf("AGENT_SIGNING_SECRET"), secretIdOf("SLACK_BOT_TOKEN")].sort());
    // Team tokens: only secrets named under the prefix, in the stack's own account and region.
    expect(secretResources.map(joinedText).filter(Boolean)).toEqual([
      `arn:<AWS::Partition>:secretsmanager:<AWS::Region>:<AWS::AccountId>:secret:${DEFAULT_TEAM_TOKEN_SECRET_PREFIX}*`,
    ]);
    const payloadStatements = statements.filter((s) => resourcesOf(s).some((r) => objectArnOf(r)));
    expect(payloadStatements.flatMap(actionsOf)).toEqual(["s3:GetObject"]);
    expect(payloadStatements.flatMap(resourcesOf).map(objectArnOf)).toEqual([
      { id: PAYLOAD_BUCKET_LOGICAL_ID, suffix: `/${PAYLOAD_BUCKET.keyPrefix}*` },
    ]);
    expect(refId(envOf(functionProps(synth.template, ROUTER_FUNCTION_LOGICAL_ID)).PAYLOAD_BUCKET)).toBe(
      PAYLOAD_BUCKET_LOGICAL_ID,
    );
  });
});

describe("payload bucket", () => {
  it("is encrypted, private and TLS-only, and expires payloads once no queued message can point at them", () => {
    const bucket = resources[PAYLOAD_BUCKET_LOGICAL_ID]!;
    expect(only("AWS::S3::Bucket")[0]).toBe(PAYLOAD_BUCKET_LOGICAL_ID);
    expect(bucket.DeletionPolicy).toBe("Retain");
    expect(bucket.Properties).toMatchObject({
      BucketEncryption: {
        ServerSideEncryptionConfiguration: [{ ServerSideEncryptionByDefault: { SSEAlgorithm: "AES256" } }],
      },
      PublicAccessBlockConfiguration: {
        BlockPublicAcls: true,
        BlockPublicPolicy: true,
        IgnorePublicAcls: true,
        RestrictPublicBuckets: true,
      },
      LifecycleConfiguration: {
        Rules: [
          expect.objectContaining({ Status: "Enabled", ExpirationInDays: PAYLOAD_BUCKET.expirationDays }),
        ],
      },
    });
    // Longer than either queue keeps a message that may point at a payload.
    expect(PAYLOAD_BUCKET.expirationDays).toBeGreaterThan(WEBHOOK_QUEUE.retentionDays);
    expect(PAYLOAD_BUCKET.expirationDays).toBeGreaterThan(WEBHOOK_QUEUE.deadLetterRetentionDays);
    const [, policy] = only("AWS::S3::BucketPolicy");
    expect(refId(policy.Properties.Bucket)).toBe(PAYLOAD_BUCKET_LOGICAL_ID);
    expect(policy.Properties.PolicyDocument.Statement).toEqual([
      expect.objectContaining({
        Effect: "Deny",
        Action: "s3:*",
        Condition: { Bool: { "aws:SecureTransport": "false" } },
      }),
    ]);
  });

  it("is named in the outputs", () => {
    const outputs = synth.template.toJSON().Outputs as Record<string, Json>;
    expect(refId(outputs.PayloadBucketName!.Value)).toBe(PAYLOAD_BUCKET_LOGICAL_ID);
  });
});

describe("least privilege", () => {
  it("grants no wildcard actions and no `*` resource except for X-Ray, which has no resource-level permissions", () => {
    for (const statement of allStatements(synth.template)) {
      for (const action of actionsOf(statement)) expect(action, JSON.stringify(statement)).not.toContain("*");
      if (resourcesOf(statement).includes("*")) {
        expect(
          actionsOf(statement).every((a) => a.startsWith("xray:")),
          JSON.stringify(statement),
        ).toBe(true);
      }
      for (const resource of resourcesOf(statement)) {
        if (typeof resource === "string") expect(resource === "*" || !resource.includes("*")).toBe(true);
      }
    }
  });

  it("uses a wildcard in an ARN only for payload objects under their prefix and team tokens under theirs", () => {
    const wildcards = allStatements(synth.template)
      .flatMap(resourcesOf)
      .filter((r) => typeof r !== "string" && JSON.stringify(r).includes("*"));
    const allowed = (r: unknown) =>
      objectArnOf(r)?.suffix === `/${PAYLOAD_BUCKET.keyPrefix}*` ||
      joinedText(r)?.endsWith(`:secret:${DEFAULT_TEAM_TOKEN_SECRET_PREFIX}*`);
    expect(wildcards.filter((r) => !allowed(r))).toEqual([]);
  });

  it("attaches no managed policies to any role", () => {
    for (const [id, role] of ofType("AWS::IAM::Role"))
      expect(role.Properties.ManagedPolicyArns, id).toBeUndefined();
  });
});

describe("tables", () => {
  const table = (prefix: string) => ofType("AWS::DynamoDB::Table").find(([id]) => id.startsWith(prefix))![1];

  it("are on demand and encrypted", () => {
    const tables = ofType("AWS::DynamoDB::Table");
    expect(tables).toHaveLength(3);
    for (const [, t] of tables) {
      expect(t.Properties).toMatchObject({
        BillingMode: "PAY_PER_REQUEST",
        SSESpecification: { SSEEnabled: true },
      });
    }
  });

  it("keeps the routing table: keys and team index from resources.ts, PITR, deletion protection, retained", () => {
    const routing = table("TablesRouting");
    expect(routing.DeletionPolicy).toBe("Retain");
    expect(routing.Properties).toMatchObject({
      KeySchema: [{ AttributeName: ROUTING_TABLE.partitionKey, KeyType: "HASH" }],
      PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true },
      DeletionProtectionEnabled: true,
      GlobalSecondaryIndexes: [
        {
          IndexName: ROUTING_TABLE.teamIndex.name,
          KeySchema: [
            { AttributeName: ROUTING_TABLE.teamIndex.partitionKey, KeyType: "HASH" },
            { AttributeName: ROUTING_TABLE.teamIndex.sortKey, KeyType: "RANGE" },
          ],
        },
      ],
    });
  });

  it("expires events by TTL and lists them by status and time", () => {
    expect(table("TablesEvents").Properties).toMatchObject({
      KeySchema: [{ AttributeName: EVENTS_TABLE.partitionKey, KeyType: "HASH" }],
      TimeToLiveSpecification: { AttributeName: EVENTS_TABLE.ttlAttribute, Enabled: true },
      GlobalSecondaryIndexes: [
        {
          IndexName: EVENTS_TABLE.statusIndex.name,
          KeySchema: [
            { AttributeName: EVENTS_TABLE.statusIndex.partitionKey, KeyType: "HASH" },
            { AttributeName: EVENTS_TABLE.statusIndex.sortKey, KeyType: "RANGE" },
          ],
        },
      ],
    });
  });

  it("expires idempotency records by TTL", () => {
    expect(table("TablesIdempotency").Properties).toMatchObject({
      KeySchema: [{ AttributeName: IDEMPOTENCY_TABLE.partitionKey, KeyType: "HASH" }],
      TimeToLiveSpecification: { AttributeName: IDEMPOTENCY_TABLE.ttlAttribute, Enabled: true },
    });
  });
});

describe("Notion's verification token", () => {
  it("is a secret of its own that only the Notion ingest function may write, and no function may read", () => {
    const store = tokenStoreOf("notion")!;
    const id = secretIdOf(store);
    expect(secretIdOf(secretOf("notion"))).not.toBe(id);
    const touching = allStatements(synth.template).filter((s) =>
      resourcesOf(s).some((r) => JSON.stringify(r).includes(`"${id}"`)),
    );
    expect(touching.flatMap(actionsOf)).toEqual(["secretsmanager:PutSecretValue"]);
    const writers = ofType("AWS::Lambda::Function")
      .map(([functionId]) => functionId)
      .filter((functionId) =>
        statementsOfRole(synth.template, roleOf(functionId)).some((s) =>
          actionsOf(s).includes("secretsmanager:PutSecretValue"),
        ),
      );
    expect(writers).toEqual([ingestFunctionLogicalId("notion")]);
  });
});

describe("secrets", () => {
  it("creates one secret per provider plus the agent secret and Slack token, with no value in the template", () => {
    const secrets = ofType("AWS::SecretsManager::Secret");
    expect(secrets).toHaveLength(SECRET_NAMES.length);
    for (const [id, secret] of secrets) {
      expect(secret.Properties.SecretString, id).toBeUndefined();
      expect(secret.Properties.GenerateSecretString, id).toBeDefined();
    }
    expect(/dev-[a-z]+-(signing|webhook)-secret/.test(JSON.stringify(resources))).toBe(false);
  });
});

describe("observability", () => {
  it("keeps every log group for the configured retention", () => {
    const logGroups = ofType("AWS::Logs::LogGroup");
    expect(logGroups).toHaveLength(PROVIDER_NAMES.length + 2); // ingest functions, router, access logs
    for (const [id, group] of logGroups) expect(group.Properties.RetentionInDays, id).toBe(30);
    for (const [id, fn] of ofType("AWS::Lambda::Function")) {
      expect(resources[refId(fn.Properties.LoggingConfig.LogGroup)]!.Type, id).toBe("AWS::Logs::LogGroup");
      expect(fn.Properties.TracingConfig, id).toEqual({ Mode: "PassThrough" });
    }
  });

  it("logs JSON without Lambda's START/END/REPORT lines, at the application level Powertools applies", () => {
    for (const [id, fn] of ofType("AWS::Lambda::Function")) {
      const { LogGroup: _, ...logging } = fn.Properties.LoggingConfig;
      // No application level of Lambda's: it would drop the INFO records that carry the metrics.
      expect(logging, id).toEqual({ LogFormat: "JSON", SystemLogLevel: "WARN" });
      const env = envOf(fn.Properties);
      expect(env.POWERTOOLS_LOG_LEVEL, id).toBe("INFO");
      // Source maps are read when an error is logged, not at every start.
      expect(env.NODE_OPTIONS, id).toBeUndefined();
    }
  });

  it("alarms on dead letters, old messages, the agent error rate and API 5xx, notifying the alarm topic", () => {
    const alarms = ofType("AWS::CloudWatch::Alarm").map(([, a]) => a.Properties);
    expect(alarms).toHaveLength(4);
    const [topicId] = only("AWS::SNS::Topic");
    for (const alarm of alarms) {
      expect(alarm.AlarmActions.map(refId)).toEqual([topicId]);
      expect(alarm.OKActions.map(refId)).toEqual([topicId]);
    }
    const byMetric = (name: string) => alarms.find((a) => a.MetricName === name);
    const deadLetters = byMetric("ApproximateNumberOfMessagesVisible")!;
    expect(refId(deadLetters.Dimensions[0].Value)).toBe(deadLetterQueueId());
    expect(deadLetters).toMatchObject({ Threshold: 1, ComparisonOperator: "GreaterThanOrEqualToThreshold" });
    const age = byMetric("ApproximateAgeOfOldestMessage")!;
    expect(refId(age.Dimensions[0].Value)).toBe(queueId());
    expect(age.Threshold).toBe(900);
    expect(byMetric("5xx")).toMatchObject({ Namespace: "AWS/ApiGateway", Threshold: 5, Statistic: "Sum" });
    const rate = alarms.find((a) => a.Metrics)!;
    expect(rate.Threshold).toBe(5);
    const stats = rate.Metrics.filter((m: Json) => m.MetricStat).map((m: Json) => m.MetricStat.Metric);
    expect(stats).toContainEqual(
      expect.objectContaining({ Namespace: "AWS/SQS", MetricName: "NumberOfMessagesReceived" }),
    );
    // The router counts AgentErrors per error class (dimensions service + class): one exact series each.
    const agentErrorClasses = stats
      .filter((m: Json) => m.Namespace === "WebhookPipeline" && m.MetricName === "AgentErrors")
      .map((m: Json) => {
        expect(m.Dimensions.map((d: Json) => d.Name).sort()).toEqual(["class", "service"]);
        return m.Dimensions.find((d: Json) => d.Name === "class").Value;
      });
    expect(agentErrorClasses.sort()).toEqual([...AGENT_ERROR_CLASSES].sort());
    const expression = rate.Metrics.find((m: Json) => m.ReturnData).Expression as string;
    for (const errorClass of AGENT_ERROR_CLASSES)
      expect(expression).toContain(`FILL(errors_${errorClass}, 0)`);
  });

  it("sends alarms to an encrypted, TLS-only topic with the email subscription", () => {
    const [, topic] = only("AWS::SNS::Topic");
    const keyId = refId(topic.Properties.KmsMasterKeyId);
    expect(resources[keyId]!.Properties.EnableKeyRotation).toBe(true);
    synth.template.hasResourceProperties("AWS::SNS::Subscription", {
      Protocol: "email",
      Endpoint: "oncall@example.com",
    });
    synth.template.hasResourceProperties("AWS::SNS::TopicPolicy", {
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({ Effect: "Deny", Condition: { Bool: { "aws:SecureTransport": "false" } } }),
        ]),
      },
    });
  });

  it("has a dashboard with seed 000's webhook metrics, queue depth, oldest message age and dead letters", () => {
    const [, dashboard] = only("AWS::CloudWatch::Dashboard");
    const body = JSON.stringify(dashboard.Properties.DashboardBody);
    for (const needle of [
      // The receipt rate: every outcome's count, summed.
      "SUM(SEARCH(",
      "WebhooksAccepted",
      "WebhooksIgnored",
      "WebhooksUnavailable",
      "WebhooksRejected",
      'reason=\\\\\\"bad_signature\\\\\\"',
      "EventsUnrouted",
      "AgentErrors",
      "EndToEndLatency",
      "ApproximateNumberOfMessagesVisible",
      "ApproximateAgeOfOldestMessage",
      "WebhookPipeline",
    ]) {
      expect(body, needle).toContain(needle);
    }
  });
});

describe("parameters and outputs", () => {
  it("takes the agent URL as an https-only parameter", () => {
    synth.template.hasParameter("AgentUrl", { Type: "String", AllowedPattern: "^https://\\S+$" });
    expect(synth.template.toJSON().Parameters.AgentUrl.Default).toBeUndefined();
  });

  it("outputs the API URL and each provider's full webhook URL", () => {
    const outputs = synth.template.toJSON().Outputs as Record<string, Json>;
    expect(outputs.ApiUrl).toBeDefined();
    for (const { path } of WEBHOOK_ROUTES) {
      const output = outputs[webhookUrlOutputId(path)];
      expect(output, path).toBeDefined();
      const [endpoint, suffix] = output!.Value["Fn::Join"][1];
      expect(endpoint).toEqual({ "Fn::GetAtt": [expect.stringMatching(/^WebhookApi/), "ApiEndpoint"] });
      expect(suffix).toBe(path);
    }
    for (const name of SECRET_NAMES)
      expect(refId(outputs[secretArnOutputId(name)]!.Value)).toBe(secretIdOf(name));
    // The names operators and scripts already use.
    for (const name of [
      "SlackEventsWebhookUrl",
      "SlackInteractionsWebhookUrl",
      "GithubWebhookUrl",
      "PagerdutyWebhookUrl",
      "IncidentioWebhookUrl",
      "JiraWebhookUrl",
      "NotionWebhookUrl",
      "GenericSourceWebhookUrl",
      "SlackSigningSecretArn",
      "GenericWebhookSecretsArn",
      "NotionWebhookSecretArn",
      "NotionVerificationTokenArn",
    ]) {
      expect(outputs[name], name).toBeDefined();
    }
    expect(refId(outputs.QueueUrl!.Value)).toBe(queueId());
    expect(refId(outputs.DeadLetterQueueUrl!.Value)).toBe(deadLetterQueueId());
    // What `npm run routes` and the operations CLI read with --stack.
    for (const [output, table] of [
      ["RoutingTableName", "TablesRouting"],
      ["EventsTableName", "TablesEvents"],
      ["IdempotencyTableName", "TablesIdempotency"],
    ] as const) {
      expect(refId(outputs[output]!.Value)).toMatch(new RegExp(`^${table}`));
    }
  });
});
