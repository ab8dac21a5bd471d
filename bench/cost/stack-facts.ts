import { synthPipeline } from "../../test/infra/synth-pipeline";

/**
 * What the synthesized stack says that prices depend on: each function's memory, architecture,
 * tracing and logging configuration (its log group's retention and class), the tables' indexes,
 * TTL and point-in-time recovery, the event source mapping's batching, X-Ray sampling rules, the
 * API's access log format and its log group's retention and class, and the fixed monthly resources.
 * Read from the template `cdk synth` produces (without bundling: nothing priced here depends on the
 * bundle).
 */

/** A log group's class (CloudFormation's `LogGroupClass`; STANDARD when the template leaves it out). */
export type LogClass = "STANDARD" | "INFREQUENT_ACCESS";

export interface FunctionFacts {
  logicalId: string;
  memoryMb: number;
  architecture: "arm64" | "x86_64";
  tracing: "Active" | "PassThrough";
  logFormat: "Text" | "JSON";
  systemLogLevel?: string;
  applicationLogLevel?: string;
  logRetentionDays?: number;
  /** The class of the log group its lines go to. */
  logClass: LogClass;
  /** Environment variables with literal values (references to other resources left out). */
  env: Record<string, string>;
  /** Secrets it reads from Secrets Manager (`*_ARN` variables). */
  secrets: number;
}

export interface IndexFacts {
  name: string;
  partitionKey: string;
  sortKey?: string;
  projection: "ALL" | "KEYS_ONLY" | "INCLUDE";
  include: string[];
}

export interface TableFacts {
  logicalId: string;
  partitionKey: string;
  sortKey?: string;
  indexes: IndexFacts[];
  pitr: boolean;
  ttlAttribute?: string;
  tableClass: string;
}

/** Reported only: Lambda samples Active functions at its own fixed rate (xray-sampling.ts). */
export interface SamplingRuleFacts {
  name: string;
  fixedRate: number;
  reservoirPerSecond: number;
}

export interface StackFacts {
  functions: FunctionFacts[];
  /** The function the SQS event source mapping invokes. */
  router: { logicalId: string; batchSize: number; batchWindowSeconds: number; maxConcurrency?: number };
  tables: TableFacts[];
  samplingRules: SamplingRuleFacts[];
  accessLog?: { format: string; retentionDays?: number; logClass: LogClass };
  payloadExpirationDays?: number;
  fixed: { secrets: number; dashboards: number; alarms: number };
}

// biome-ignore lint/suspicious/noExplicitAny: CloudFormation template JSON, read defensively below
type Json = Record<string, any>;

const refTo = (value: unknown): string | undefined => {
  const v = value as Json | undefined;
  return typeof v?.Ref === "string"
    ? v.Ref
    : typeof v?.["Fn::GetAtt"]?.[0] === "string"
      ? v["Fn::GetAtt"][0]
      : undefined;
};

/** The class a log group's properties give it (CloudFormation's default: STANDARD). */
function logClassOf(logGroup: Json | undefined): LogClass {
  const value = logGroup?.LogGroupClass ?? "STANDARD";
  if (value !== "STANDARD" && value !== "INFREQUENT_ACCESS") {
    throw new Error(`log group class ${JSON.stringify(value)} has no price in bench/cost/prices.ts`);
  }
  return value;
}

const keyOf = (schema: Json[] | undefined, type: "HASH" | "RANGE") =>
  schema?.find((k) => k.KeyType === type)?.AttributeName as string | undefined;

function functionFacts(id: string, p: Json, resources: Json): FunctionFacts {
  const variables = (p.Environment?.Variables ?? {}) as Record<string, unknown>;
  const env = Object.fromEntries(
    Object.entries(variables).filter((e): e is [string, string] => typeof e[1] === "string"),
  );
  const logGroup = resources[refTo(p.LoggingConfig?.LogGroup) ?? ""]?.Properties as Json | undefined;
  return {
    logicalId: id,
    memoryMb: p.MemorySize ?? 128,
    architecture: p.Architectures?.[0] === "arm64" ? "arm64" : "x86_64",
    tracing: p.TracingConfig?.Mode === "Active" ? "Active" : "PassThrough",
    logFormat: p.LoggingConfig?.LogFormat === "JSON" ? "JSON" : "Text",
    ...(p.LoggingConfig?.SystemLogLevel ? { systemLogLevel: p.LoggingConfig.SystemLogLevel } : {}),
    ...(p.LoggingConfig?.ApplicationLogLevel
      ? { applicationLogLevel: p.LoggingConfig.ApplicationLogLevel }
      : {}),
    ...(logGroup?.RetentionInDays ? { logRetentionDays: logGroup.RetentionInDays } : {}),
    logClass: logClassOf(logGroup),
    env,
    secrets: Object.keys(variables).filter((name) => name.endsWith("_ARN")).length,
  };
}

function tableFacts(id: string, p: Json): TableFacts {
  const indexes: IndexFacts[] = ((p.GlobalSecondaryIndexes ?? []) as Json[]).map((gsi) => ({
    name: gsi.IndexName,
    partitionKey: keyOf(gsi.KeySchema, "HASH")!,
    ...(keyOf(gsi.KeySchema, "RANGE") ? { sortKey: keyOf(gsi.KeySchema, "RANGE") } : {}),
    projection: gsi.Projection?.ProjectionType ?? "KEYS_ONLY",
    include: gsi.Projection?.NonKeyAttributes ?? [],
  }));
  return {
    logicalId: id,
    partitionKey: keyOf(p.KeySchema, "HASH")!,
    ...(keyOf(p.KeySchema, "RANGE") ? { sortKey: keyOf(p.KeySchema, "RANGE") } : {}),
    indexes,
    pitr: p.PointInTimeRecoverySpecification?.PointInTimeRecoveryEnabled === true,
    ...(p.TimeToLiveSpecification?.Enabled ? { ttlAttribute: p.TimeToLiveSpecification.AttributeName } : {}),
    tableClass: p.TableClass ?? "STANDARD",
  };
}

/** Reads the facts from a synthesized template's JSON. */
export function factsFromTemplate(template: Json): StackFacts {
  const resources = template.Resources as Json;
  const of = (type: string) =>
    Object.entries(resources).filter(([, r]) => (r as Json).Type === type) as [string, Json][];

  const functions = of("AWS::Lambda::Function").map(([id, r]) => functionFacts(id, r.Properties, resources));
  const mappings = of("AWS::Lambda::EventSourceMapping").map(([, r]) => r.Properties as Json);
  const mapping = mappings.find((m) => refTo(m.FunctionName));
  if (!mapping) throw new Error("the template has no event source mapping: which function is the router?");
  const stage = of("AWS::ApiGatewayV2::Stage")[0]?.[1].Properties as Json | undefined;
  const accessLogGroup = resources[refTo(stage?.AccessLogSettings?.DestinationArn) ?? ""]?.Properties;
  const lifecycle = of("AWS::S3::Bucket").flatMap(
    ([, r]) => (r.Properties?.LifecycleConfiguration?.Rules ?? []) as Json[],
  );

  return {
    functions,
    router: {
      logicalId: refTo(mapping.FunctionName)!,
      batchSize: mapping.BatchSize ?? 10,
      batchWindowSeconds: mapping.MaximumBatchingWindowInSeconds ?? 0,
      ...(mapping.ScalingConfig?.MaximumConcurrency
        ? { maxConcurrency: mapping.ScalingConfig.MaximumConcurrency }
        : {}),
    },
    tables: of("AWS::DynamoDB::Table").map(([id, r]) => tableFacts(id, r.Properties)),
    samplingRules: of("AWS::XRay::SamplingRule").map(([id, r]) => {
      const rule = (r.Properties?.SamplingRule ?? {}) as Json;
      return {
        name: rule.RuleName ?? id,
        fixedRate: rule.FixedRate ?? 0,
        reservoirPerSecond: rule.ReservoirSize ?? 0,
      };
    }),
    ...(stage?.AccessLogSettings?.Format
      ? {
          accessLog: {
            format: stage.AccessLogSettings.Format,
            ...(accessLogGroup?.RetentionInDays ? { retentionDays: accessLogGroup.RetentionInDays } : {}),
            logClass: logClassOf(accessLogGroup),
          },
        }
      : {}),
    ...(lifecycle.find((rule) => rule.ExpirationInDays)
      ? { payloadExpirationDays: lifecycle.find((rule) => rule.ExpirationInDays)!.ExpirationInDays }
      : {}),
    fixed: {
      secrets: of("AWS::SecretsManager::Secret").length,
      dashboards: of("AWS::CloudWatch::Dashboard").length,
      alarms: of("AWS::CloudWatch::Alarm").length,
    },
  };
}

/** Synthesizes the stack as `npm run synth` would (cdk.json's context), without bundling. */
export function synthesizeStackFacts(): StackFacts {
  return factsFromTemplate(synthPipeline({}, { bundle: false }).template.toJSON());
}

/** The ingest function a provider's webhooks reach (its `PROVIDER` variable). */
export function ingestFunctionFor(facts: StackFacts, provider: string): FunctionFacts {
  const fn = facts.functions.find((f) => f.env.PROVIDER === provider);
  if (!fn) throw new Error(`no ingest function in the template has PROVIDER=${provider}`);
  return fn;
}

export function functionNamed(facts: StackFacts, logicalId: string): FunctionFacts {
  const fn = facts.functions.find((f) => f.logicalId === logicalId);
  if (!fn) throw new Error(`no function ${logicalId} in the template`);
  return fn;
}
