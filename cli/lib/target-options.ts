import { type Command, Option } from "commander";

/** The stack name infra/app.ts deploys unless given `-c stackName=…`. */
export const DEFAULT_STACK_NAME = "WebhookPipeline";

/**
 * The pipeline's tables and queues the operations commands use, and where each one's name comes
 * from: its own option, the local pipeline's file (`--local`), the deployed stack's outputs
 * (`--stack`), or the environment variable the Lambdas themselves read.
 */
export const PIPELINE_RESOURCES = {
  routingTable: {
    flag: "routing-table",
    option: "routingTable",
    env: "ROUTING_TABLE",
    localField: "routingTable",
    stackOutput: "RoutingTableName",
    label: "routing table",
    placeholder: "NAME",
  },
  eventsTable: {
    flag: "events-table",
    option: "eventsTable",
    env: "EVENTS_TABLE",
    localField: "eventsTable",
    stackOutput: "EventsTableName",
    label: "events table",
    placeholder: "NAME",
  },
  idempotencyTable: {
    flag: "idempotency-table",
    option: "idempotencyTable",
    env: "IDEMPOTENCY_TABLE",
    localField: "idempotencyTable",
    stackOutput: "IdempotencyTableName",
    label: "idempotency table",
    placeholder: "NAME",
  },
  queueUrl: {
    flag: "queue-url",
    option: "queueUrl",
    env: "QUEUE_URL",
    localField: "queueUrl",
    stackOutput: "QueueUrl",
    label: "webhook queue",
    placeholder: "URL",
  },
  deadLetterQueueUrl: {
    flag: "dlq-url",
    option: "dlqUrl",
    env: "DEAD_LETTER_QUEUE_URL",
    localField: "deadLetterQueueUrl",
    stackOutput: "DeadLetterQueueUrl",
    label: "dead-letter queue",
    placeholder: "URL",
  },
} as const;

export type PipelineResource = keyof typeof PIPELINE_RESOURCES;

/** The parsed target options of a command (commander's attribute names). */
export type TargetOptions = {
  local?: boolean | undefined;
  /** `--stack` alone is `true`: the default stack. */
  stack?: string | true | undefined;
  region?: string | undefined;
  dynamodbEndpoint?: string | undefined;
  sqsEndpoint?: string | undefined;
} & { [R in PipelineResource as (typeof PIPELINE_RESOURCES)[R]["option"]]?: string | undefined };

const TARGET_GROUP = "Target (a resource's own option wins, then --local or --stack, then the environment):";

/**
 * Adds the options that say where the pipeline is, the same for every command: `--local`,
 * `--stack [NAME]`, or explicit names (one option per resource the command uses) and endpoints.
 * `--local` takes names and endpoints from the local pipeline's file, so it excludes `--stack` and
 * the endpoint options.
 */
export function addTargetOptions(command: Command, resources: readonly PipelineResource[]): Command {
  const add = (option: Option) => command.addOption(option.helpGroup(TARGET_GROUP));
  add(
    new Option(
      "--local",
      "the running local pipeline (.local/pipeline.json, written by npm start)",
    ).conflicts(["stack", "dynamodbEndpoint", "sqsEndpoint"]),
  );
  add(
    new Option(
      "--stack [name]",
      `the deployed stack's outputs via CloudFormation (name defaults to ${DEFAULT_STACK_NAME})`,
    ),
  );
  for (const resource of resources) {
    const spec = PIPELINE_RESOURCES[resource];
    add(
      new Option(
        `--${spec.flag} <${spec.placeholder.toLowerCase()}>`,
        `the ${spec.label} (default: $${spec.env})`,
      ),
    );
  }
  add(new Option("--region <region>", "AWS region (default: $AWS_REGION)"));
  if (resources.some((r) => r.endsWith("Table"))) {
    add(
      new Option(
        "--dynamodb-endpoint <url>",
        "a DynamoDB endpoint, e.g. DynamoDB Local (default: $AWS_ENDPOINT_URL_DYNAMODB)",
      ),
    );
  }
  if (resources.some((r) => r.endsWith("Url"))) {
    add(new Option("--sqs-endpoint <url>", "an SQS endpoint, e.g. fauxqs (default: $AWS_ENDPOINT_URL_SQS)"));
  }
  return command;
}

/** A non-blank string, trimmed; anything else is undefined. */
export const text = (value: unknown): string | undefined =>
  typeof value === "string" && value.trim() !== "" ? value.trim() : undefined;

/** The stack `--stack [name]` names: its name, or the default stack when given alone. */
export const stackNameOf = (stack: string | true): string => text(stack) ?? DEFAULT_STACK_NAME;

/** The region of a target: `--region`, else the environment's. */
export const regionOf = (options: TargetOptions, env: NodeJS.ProcessEnv): string | undefined =>
  text(options.region) ?? text(env.AWS_REGION) ?? text(env.AWS_DEFAULT_REGION);
