import { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import type { SQSClient } from "@aws-sdk/client-sqs";
import { DynamoDBDocumentClient } from "@aws-sdk/lib-dynamodb";
import { checkEndpoint, emulatorSafeClientConfig } from "./dynamodb";
import { CliError, describeTaggedAwsError, tagAwsErrors, UsageError } from "./errors";
import type { CliIO } from "./io";
import { type LocalPipeline, readLocalPipeline } from "./local-pipeline";
import { createSqsClient, sqsEndpointFor } from "./sqs";
import { readStackOutputs, type StackOutputs } from "./stack-outputs";
import {
  PIPELINE_RESOURCES,
  type PipelineResource,
  regionOf,
  stackNameOf,
  type TargetOptions,
  text,
} from "./target-options";

/** Where a command's tables and queues are: resolved once per command, names looked up on demand. */
export class PipelineTarget {
  private constructor(
    private readonly options: TargetOptions,
    private readonly io: CliIO,
    readonly region: string | undefined,
    private readonly local?: LocalPipeline & { file: string },
    private readonly stack?: StackOutputs,
  ) {}

  static async resolve(options: TargetOptions, io: CliIO): Promise<PipelineTarget> {
    const local = options.local ? await readLocalPipeline(io.cwd) : undefined;
    const region = text(options.region) ?? text(local?.region) ?? regionOf({}, io.env);
    const stack =
      options.stack !== undefined ? await readStackOutputs(stackNameOf(options.stack), region) : undefined;
    return new PipelineTarget(options, io, region, local, stack);
  }

  /** The name (table) or URL (queue) of a resource, or an error saying what to set. */
  name(resource: PipelineResource): string {
    const spec = PIPELINE_RESOURCES[resource];
    const fromOption = text(this.options[spec.option]);
    if (fromOption) return fromOption;
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
    );
  }

  get dynamodbEndpoint(): string | undefined {
    const env = this.io.env;
    return checkEndpoint(
      text(this.options.dynamodbEndpoint) ??
        text(this.local?.dynamodbEndpoint) ??
        text(env.AWS_ENDPOINT_URL_DYNAMODB) ??
        text(env.AWS_ENDPOINT_URL),
      "--dynamodb-endpoint",
    );
  }

  /** The SQS endpoint to use for `queueUrl` (an emulator's queue URL implies its endpoint). */
  sqsEndpoint(queueUrl: string): string | undefined {
    const env = this.io.env;
    const endpoint = checkEndpoint(
      text(this.options.sqsEndpoint) ??
        text(this.local?.sqsEndpoint) ??
        text(env.AWS_ENDPOINT_URL_SQS) ??
        text(env.AWS_ENDPOINT_URL),
      "--sqs-endpoint",
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
  options: TargetOptions,
  io: CliIO,
  work: (session: PipelineSession) => Promise<T>,
): Promise<T> {
  const session = new PipelineSession(await PipelineTarget.resolve(options, io));
  try {
    return await work(session);
  } catch (error) {
    throw describeTaggedAwsError(error);
  } finally {
    session.close();
  }
}
