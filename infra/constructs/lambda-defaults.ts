import { fileURLToPath } from "node:url";
import { type Duration, Validations } from "aws-cdk-lib";
import { type IGrantable, PolicyStatement, Role, ServicePrincipal } from "aws-cdk-lib/aws-iam";
import {
  ApplicationLogLevel,
  Architecture,
  LoggingFormat,
  Runtime,
  SystemLogLevel,
  Tracing,
} from "aws-cdk-lib/aws-lambda";
import { NodejsFunction, OutputFormat } from "aws-cdk-lib/aws-lambda-nodejs";
import { LogGroup, type RetentionDays } from "aws-cdk-lib/aws-logs";
import type { Construct } from "constructs";
import type { LogLevel } from "../settings";

/** The repository root: entries are resolved from here, and esbuild bundles from it. */
export const PROJECT_ROOT = fileURLToPath(new URL("../../", import.meta.url));

export const entryPath = (relative: string) => fileURLToPath(new URL(`../../${relative}`, import.meta.url));

/** What every function's Powertools reads (service name, EMF namespace). */
export const POWERTOOLS_ENV = {
  POWERTOOLS_SERVICE_NAME: "webhook-pipeline",
  POWERTOOLS_METRICS_NAMESPACE: "WebhookPipeline",
} as const;

export interface PipelineFunctionProps {
  /** Path of the handler file, relative to the repository root. */
  entry: string;
  description: string;
  timeout: Duration;
  memorySize: number;
  environment: Record<string, string>;
  logRetention: RetentionDays;
  /** The application log level (POWERTOOLS_LOG_LEVEL); every request's record is written at any. */
  logLevel: LogLevel;
  /**
   * Modules left to the Lambda runtime instead of bundled: only for code loaded lazily on a rare
   * path, so the common path's bundle stays small (the runtime ships AWS SDK v3).
   */
  runtimeProvidedModules?: string[];
}

/**
 * Lambda's application log-level filter, set only to pass levels more verbose than INFO. Lambda
 * drops a JSON line below its level (a line without `level` counts as INFO), and the functions'
 * per-request records (with their metrics) are INFO lines that must pass at any level: a higher
 * level is applied by Powertools (POWERTOOLS_LOG_LEVEL) instead, which Lambda's level would
 * override when set.
 */
const LAMBDA_APPLICATION_LEVELS: Partial<Record<LogLevel, ApplicationLogLevel>> = {
  TRACE: ApplicationLogLevel.TRACE,
  DEBUG: ApplicationLogLevel.DEBUG,
};

/**
 * The pipeline's Lambda defaults in one place: Node.js 22 on arm64, bundled by the local esbuild
 * (never Docker) as a minified ES module with a source map, X-Ray in PassThrough mode (traced when
 * ingest sampled the event, functions/ingest/sampled-traces.ts), JSON logs with Lambda's own
 * START/END/REPORT lines dropped (system level WARN: its Duration, Invocations and Errors metrics
 * say the same), its own log group with a retention period, and its own role that may write only
 * to that log group.
 */
export class PipelineFunction extends NodejsFunction {
  constructor(scope: Construct, id: string, props: PipelineFunctionProps) {
    // Kept when the stack is deleted (the default): logs outlive the functions that wrote them.
    const logGroup = new LogGroup(scope, `${id}Logs`, { retention: props.logRetention });
    const role = new Role(scope, `${id}Role`, {
      assumedBy: new ServicePrincipal("lambda.amazonaws.com"),
      description: `Runs ${id}: ${props.description}`,
    });
    role.addToPrincipalPolicy(
      new PolicyStatement({
        sid: "WriteOwnLogs",
        actions: ["logs:CreateLogStream", "logs:PutLogEvents"],
        resources: [logGroup.logGroupArn],
      }),
    );
    super(scope, id, {
      entry: entryPath(props.entry),
      handler: "handler",
      description: props.description,
      runtime: Runtime.NODEJS_22_X,
      architecture: Architecture.ARM_64,
      timeout: props.timeout,
      memorySize: props.memorySize,
      tracing: Tracing.PASS_THROUGH,
      loggingFormat: LoggingFormat.JSON,
      systemLogLevelV2: SystemLogLevel.WARN,
      ...(LAMBDA_APPLICATION_LEVELS[props.logLevel]
        ? { applicationLogLevelV2: LAMBDA_APPLICATION_LEVELS[props.logLevel] }
        : {}),
      logGroup,
      role,
      projectRoot: PROJECT_ROOT,
      // No --enable-source-maps: parsing the map would cost every cold start; an error's stack is
      // decoded from it when logged (shared/observability/original-stack.ts).
      environment: { ...POWERTOOLS_ENV, POWERTOOLS_LOG_LEVEL: props.logLevel, ...props.environment },
      bundling: {
        forceDockerBundling: false,
        format: OutputFormat.ESM,
        target: "node22",
        platform: "node",
        mainFields: ["module", "main"],
        // Some CommonJS dependencies call require(); give the ES module bundle one.
        banner:
          "import { createRequire } from 'node:module'; const require = createRequire(import.meta.url);",
        minify: true,
        sourceMap: true,
        sourcesContent: false,
        // The SDK versions the tests ran against, not whatever the runtime happens to carry.
        bundleAwsSDK: true,
        ...(props.runtimeProvidedModules ? { externalModules: props.runtimeProvidedModules } : {}),
      },
    });

    Validations.of(role).acknowledge({
      id: "AwsSolutions-IAM5[Resource::*]",
      reason:
        "X-Ray tracing of the sampled events needs xray:PutTraceSegments and xray:PutTelemetryRecords, which support no resource-level permissions (resource must be *); every other statement names its resource.",
    });
    Validations.of(this).acknowledge({
      id: "AwsSolutions-L1",
      reason:
        "The architecture fixes the runtime at nodejs22.x (the version the code is built and tested for); moving to a newer Node.js line is a deliberate upgrade, not a drift.",
    });
  }
}

/** Grant exactly `actions` on `resources` to `grantee` (one statement, no wildcards added). */
export function allow(grantee: IGrantable, sid: string, actions: string[], resources: string[]): void {
  grantee.grantPrincipal.addToPrincipalPolicy(new PolicyStatement({ sid, actions, resources }));
}
