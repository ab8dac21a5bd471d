import { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import type { SQSClient } from "@aws-sdk/client-sqs";
import { DynamoDBDocumentClient } from "@aws-sdk/lib-dynamodb";
import { type OptionSpec, parseCommandArgs } from "./args";
import { checkEndpoint, emulatorSafeClientConfig } from "./dynamodb";
import { CliError, describeTaggedAwsError, tagAwsErrors, UsageError } from "./errors";
import type { CliIO } from "./io";
import { type LocalPipeline, readLocalPipeline } from "./local-pipeline";
import { createSqsClient, sqsEndpointFor } from "./sqs";
import { DEFAULT_STACK_NAME, readStackOutputs, type StackOutputs } from "./stack-outputs";

/**
 * The pipeline's tables and queues the operations commands use, and where each one's name comes
 * from: its own flag, the local pipeline's file (`--local`), the deployed stack's outputs
 * (`--stack`), or the environment variable the Lambdas themselves read.
 */
export const PIPELINE_RESOURCES = {
  eventsTable: {
    flag: "events-table",
    env: "EVENTS_TABLE",
    localField: "eventsTable",
    stackOutput: "EventsTableName",
    label: "events table",
    placeholder: "NAME",
  },
  idempotencyTable: {
    flag: "idempotency-table",
    env: "IDEMPOTENCY_TABLE",
    localField: "idempotencyTable",
    stackOutput: "IdempotencyTableName",
    label: "idempotency table",
    placeholder: "NAME",
  },
  queueUrl: {
    flag: "queue-url",
    env: "QUEUE_URL",
    localField: "queueUrl",
    stackOutput: "QueueUrl",
    label: "webhook queue",
    placeholder: "URL",
  },
  deadLetterQueueUrl: {
    flag: "dlq-url",
    env: "DEAD_LETTER_QUEUE_URL",
    localField: "deadLetterQueueUrl",
    stackOutput: "DeadLetterQueueUrl",
    label: "dead-letter queue",
    placeholder: "URL",
  },
} as const;

export type PipelineResource = keyof typeof PIPELINE_RESOURCES;

/** Flags of every operations command: where the pipeline is. */
export const PIPELINE_OPTIONS = {
  local: { type: "boolean" },
  stack: { type: "string" },
  region: { type: "string" },
  "dynamodb-endpoint": { type: "string" },
  "sqs-endpoint": { type: "string" },
} as const satisfies OptionSpec;

/** One flag per resource, overriding wherever else its name would come from. */
export const RESOURCE_OPTIONS = {
  "events-table": { type: "string" },
  "idempotency-table": { type: "string" },
  "queue-url": { type: "string" },
  "dlq-url": { type: "string" },
} as const satisfies OptionSpec;

type ResourceFlag<R extends PipelineResource> = (typeof PIPELINE_RESOURCES)[R]["flag"];

/** The flags of the resources a command uses (`pipelineOptions("eventsTable")`), with PIPELINE_OPTIONS. */
export function pipelineOptions<R extends PipelineResource>(
  ...resources: R[]
): typeof PIPELINE_OPTIONS & Pick<typeof RESOURCE_OPTIONS, ResourceFlag<R>> {
  const picked: Record<string, { type: "string" }> = {};
  for (const resource of resources) picked[PIPELINE_RESOURCES[resource].flag] = { type: "string" };
  return { ...PIPELINE_OPTIONS, ...picked } as typeof PIPELINE_OPTIONS &
    Pick<typeof RESOURCE_OPTIONS, ResourceFlag<R>>;
}

/** The "Target" section of a command's help, for the resources it uses. */
export function pipelineOptionsHelp(resources: readonly PipelineResource[]): string {
  const rows: Array<[string, string]> = resources.map((r) => {
    const spec = PIPELINE_RESOURCES[r];
    return [`--${spec.flag} ${spec.placeholder}`, `the ${spec.label} (default: $${spec.env})`];
  });
  rows.push(
    ["--local", "the running local pipeline (.local/pipeline.json, written by npm start)"],
    [
      "--stack [NAME]",
      `the deployed stack's outputs via CloudFormation (NAME defaults to ${DEFAULT_STACK_NAME})`,
    ],
    ["--region REGION", "AWS region (default: $AWS_REGION)"],
  );
  if (resources.some((r) => r.endsWith("Table"))) {
    rows.push([
      "--dynamodb-endpoint URL",
      "a DynamoDB endpoint, e.g. DynamoDB Local ($AWS_ENDPOINT_URL_DYNAMODB)",
    ]);
  }
  if (resources.some((r) => r.endsWith("Url"))) {
    rows.push(["--sqs-endpoint URL", "an SQS endpoint, e.g. fauxqs ($AWS_ENDPOINT_URL_SQS)"]);
  }
  const width = Math.max(...rows.map(([flag]) => flag.length));
  return [
    "Target (a resource's own flag wins, then --local or --stack, then the environment):",
    ...rows.map(([flag, text]) => `  ${flag.padEnd(width)}  ${text}`),
  ].join("\n");
}

/**
 * Parses a command's arguments like parseCommandArgs, letting `--stack` stand without a name (the
 * default stack) when it is last or followed by another flag.
 */
export function parsePipelineArgs<const O extends OptionSpec>(
  argv: readonly string[],
  options: O,
  usage: string,
) {
  const expanded = argv.map((arg, i) =>
    arg === "--stack" && (i === argv.length - 1 || argv[i + 1]!.startsWith("-"))
      ? `--stack=${DEFAULT_STACK_NAME}`
      : arg,
  );
  return parseCommandArgs(expanded, options, usage);
}

export type PipelineFlags = {
  local?: boolean | undefined;
  stack?: string | undefined;
  region?: string | undefined;
  "dynamodb-endpoint"?: string | undefined;
  "sqs-endpoint"?: string | undefined;
} & { [flag in keyof typeof RESOURCE_OPTIONS]?: string | undefined };

const text = (value: unknown): string | undefined =>
  typeof value === "string" && value.trim() !== "" ? value.trim() : undefined;

/** Where a command's tables and queues are: resolved once per command, names looked up on demand. */
export class PipelineTarget {
  private constructor(
    private readonly flags: PipelineFlags,
    private readonly io: CliIO,
    private readonly usage: string,
    readonly region: string | undefined,
    private readonly local?: LocalPipeline & { file: string },
    private readonly stack?: StackOutputs,
  ) {}

  static async resolve(flags: PipelineFlags, io: CliIO, usage: string): Promise<PipelineTarget> {
    if (flags.local && flags.stack !== undefined) {
      throw new UsageError(
        "--local and --stack exclude each other: pick the local pipeline or a stack",
        usage,
      );
    }
    const local = flags.local ? await readLocalPipeline(io.cwd) : undefined;
    const region =
      text(flags.region) ?? text(local?.region) ?? text(io.env.AWS_REGION) ?? text(io.env.AWS_DEFAULT_REGION);
    const stack =
      flags.stack !== undefined
        ? await readStackOutputs(text(flags.stack) ?? DEFAULT_STACK_NAME, region)
        : undefined;
    return new PipelineTarget(flags, io, usage, region, local, stack);
  }

  /** The name (table) or URL (queue) of a resource, or an error saying what to set. */
  name(resource: PipelineResource): string {
    const spec = PIPELINE_RESOURCES[resource];
    const fromFlag = text(this.flags[spec.flag]);
    if (fromFlag) return fromFlag;
    if (this.local) {
      const value = text(this.local[spec.localField]);
      if (value) return value;
      throw new CliError(
        `${this.local.file} names no ${spec.localField}: restart the local pipeline with npm start, ` +
          `or pass --${spec.flag} ${spec.placeholder}`,
      );
    }
    if (this.stack) {
      const value = text(this.stack.outputs[spec.stackOutput]);
      if (value) return value;
      throw new CliError(
        `stack ${this.stack.stackName} has no output ${spec.stackOutput}: ` +
          `pass --${spec.flag} ${spec.placeholder} or set ${spec.env}`,
      );
    }
    const fromEnv = text(this.io.env[spec.env]);
    if (fromEnv) return fromEnv;
    throw new UsageError(
      `no ${spec.label}: pass --${spec.flag} ${spec.placeholder}, set ${spec.env}, ` +
        `or use --local (the local pipeline) or --stack [NAME] (the deployed stack's outputs)`,
      this.usage,
    );
  }

  get dynamodbEndpoint(): string | undefined {
    const env = this.io.env;
    return checkEndpoint(
      text(this.flags["dynamodb-endpoint"]) ??
        text(this.local?.dynamodbEndpoint) ??
        text(env.AWS_ENDPOINT_URL_DYNAMODB) ??
        text(env.AWS_ENDPOINT_URL),
      "--dynamodb-endpoint",
      this.usage,
    );
  }

  /** The SQS endpoint to use for `queueUrl` (an emulator's queue URL implies its endpoint). */
  sqsEndpoint(queueUrl: string): string | undefined {
    const env = this.io.env;
    const endpoint = checkEndpoint(
      text(this.flags["sqs-endpoint"]) ??
        text(this.local?.sqsEndpoint) ??
        text(env.AWS_ENDPOINT_URL_SQS) ??
        text(env.AWS_ENDPOINT_URL),
      "--sqs-endpoint",
      this.usage,
    );
    return sqsEndpointFor(queueUrl, endpoint);
  }
}

const TARGET_HINT =
  "Check the names (flags, environment or stack outputs), or start the local pipeline with npm start and use --local.";

/** A command's clients for its target, created on first use and closed with the session. */
export class PipelineSession {
  private dynamo?: DynamoDBClient;
  private doc?: DynamoDBDocumentClient;
  private sqsClient?: SQSClient;

  constructor(readonly target: PipelineTarget) {}

  /** The table name of `resource` (or the error saying what to set). */
  name(resource: PipelineResource): string {
    return this.target.name(resource);
  }

  documents(): DynamoDBDocumentClient {
    if (!this.doc) {
      const endpoint = this.target.dynamodbEndpoint;
      const region = this.target.region;
      this.dynamo = new DynamoDBClient(
        emulatorSafeClientConfig({ ...(endpoint ? { endpoint } : {}), ...(region ? { region } : {}) }),
      );
      tagAwsErrors(this.dynamo, {
        service: "DynamoDB",
        ...(endpoint ? { endpoint } : {}),
        hint: TARGET_HINT,
        resource: (input) => (typeof input.TableName === "string" ? `table '${input.TableName}'` : undefined),
      });
      this.doc = DynamoDBDocumentClient.from(this.dynamo, {
        marshallOptions: { removeUndefinedValues: true },
      });
    }
    return this.doc;
  }

  /** The SQS client; its endpoint follows from the first queue it is asked for. */
  sqs(queueUrl: string): SQSClient {
    if (!this.sqsClient) {
      const endpoint = this.target.sqsEndpoint(queueUrl);
      const region = this.target.region;
      this.sqsClient = createSqsClient({ ...(endpoint ? { endpoint } : {}), ...(region ? { region } : {}) });
      tagAwsErrors(this.sqsClient, {
        service: "SQS",
        ...(endpoint ? { endpoint } : {}),
        hint: TARGET_HINT,
        resource: (input) => (typeof input.QueueUrl === "string" ? `queue ${input.QueueUrl}` : undefined),
      });
    }
    return this.sqsClient;
  }

  close(): void {
    this.dynamo?.destroy();
    this.sqsClient?.destroy();
  }
}

/**
 * Resolves the command's target, runs `work` with a session, turns AWS failures into operator
 * messages (which service, which table or queue, what to check) and closes the clients.
 */
export async function withPipeline<T>(
  flags: PipelineFlags,
  io: CliIO,
  usage: string,
  work: (session: PipelineSession) => Promise<T>,
): Promise<T> {
  const session = new PipelineSession(await PipelineTarget.resolve(flags, io, usage));
  try {
    return await work(session);
  } catch (error) {
    throw describeTaggedAwsError(error);
  } finally {
    session.close();
  }
}
