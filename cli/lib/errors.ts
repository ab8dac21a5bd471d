/** Exit codes shared by every command. */
export const EXIT = {
  ok: 0,
  /** The operation was refused or failed (conflict, not found, AWS error, no match). */
  failure: 1,
  /** The command line or an input file is invalid. */
  usage: 2,
} as const;

/**
 * An error meant for the operator: printed as `error: <message>` without a stack trace, and the
 * process exits with `exitCode`.
 */
export class CliError extends Error {
  constructor(
    message: string,
    readonly exitCode: number = EXIT.failure,
  ) {
    super(message);
    this.name = "CliError";
  }
}

/**
 * A mistake on the command line (exit code 2): reported with the usage of the command it was made
 * in, like commander's own usage errors.
 */
export class UsageError extends CliError {
  constructor(message: string) {
    super(message, EXIT.usage);
    this.name = "UsageError";
  }
}

/**
 * Prints an error the way every command does: `error: <message>` on stderr, no stack trace unless
 * DEBUG is set; returns the exit code.
 */
export function reportError(
  error: unknown,
  io: { stderr(text: string): void; env: NodeJS.ProcessEnv },
): number {
  if (error instanceof CliError) {
    io.stderr(`error: ${error.message}\n`);
    return error.exitCode;
  }
  const message = error instanceof Error ? error.message : String(error);
  io.stderr(`error: unexpected failure: ${message}\n`);
  if (io.env.DEBUG && error instanceof Error && error.stack) io.stderr(`${error.stack}\n`);
  else io.stderr("(set DEBUG=1 for the stack trace)\n");
  return EXIT.failure;
}

/** What an AWS failure happened on: the service, the table or queue, the endpoint, and what to check. */
export interface AwsErrorContext {
  service: string;
  resource?: string;
  endpoint?: string;
  /** Advice when the resource does not exist. */
  hint?: string;
}

const messageOf = (error: unknown): string => (error instanceof Error ? error.message : String(error));

/**
 * Turns an AWS SDK or network failure into a CliError that says what to do about it, or returns
 * undefined when the error is not one of those.
 */
export function describeAwsError(error: unknown, context: AwsErrorContext): CliError | undefined {
  if (!(error instanceof Error)) return undefined;
  const where = context.endpoint ? ` at ${context.endpoint}` : "";
  const code = (error as { code?: string }).code ?? (error.cause as { code?: string } | undefined)?.code;
  const name = error.name;
  if (
    name === "ResourceNotFoundException" ||
    name === "QueueDoesNotExist" ||
    name === "AWS.SimpleQueueService.NonExistentQueue"
  ) {
    return new CliError(
      `${context.resource ?? "the resource"} was not found${where} (${error.message}). ` +
        (context.hint ??
          "Check the table and queue names, or start the local pipeline with npm start and use --local."),
    );
  }
  if (
    code === "ECONNREFUSED" ||
    code === "ENOTFOUND" ||
    code === "ECONNRESET" ||
    code === "EAI_AGAIN" ||
    name === "TimeoutError" ||
    /ECONNREFUSED|ENOTFOUND|socket hang up/.test(error.message)
  ) {
    return new CliError(
      `cannot reach ${context.service}${where}: ${error.message}` +
        (context.endpoint ? ". Is the local pipeline running? Start it with npm start." : ""),
    );
  }
  if (
    name === "CredentialsProviderError" ||
    name === "UnrecognizedClientException" ||
    name === "ExpiredTokenException"
  ) {
    return new CliError(
      `no usable AWS credentials for ${context.service}: ${error.message}. ` +
        "Configure credentials (AWS_PROFILE, aws sso login, …) or use --local (or --dynamodb-endpoint / --sqs-endpoint) for a local emulator.",
    );
  }
  if (/region is missing/i.test(error.message)) {
    return new CliError("no AWS region: set AWS_REGION or pass --region", 2);
  }
  if (name === "AccessDeniedException") {
    return new CliError(`access denied by ${context.service}: ${error.message}`);
  }
  if ((error as { $metadata?: unknown }).$metadata !== undefined) {
    return new CliError(`${context.service} error (${name}): ${messageOf(error)}`);
  }
  return undefined;
}

/** The contexts of errors thrown by clients passed to `tagAwsErrors`, by error. */
const errorContexts = new WeakMap<object, AwsErrorContext>();

interface TaggableClient {
  middlewareStack: {
    add(
      middleware: (next: (args: never) => Promise<unknown>) => (args: never) => Promise<unknown>,
      options: { step: "initialize"; name: string },
    ): void;
  };
}

/**
 * Remembers, for every error a client throws, which service and resource it came from, so one
 * command talking to several services (DynamoDB and SQS) can still say which one failed. The error
 * itself passes through unchanged: domain code may still catch it by name.
 */
export function tagAwsErrors(
  client: TaggableClient,
  context: Omit<AwsErrorContext, "resource"> & {
    resource?: (input: Record<string, unknown>) => string | undefined;
  },
): void {
  client.middlewareStack.add(
    (next) => async (args: never) => {
      try {
        return await next(args);
      } catch (error) {
        if (typeof error === "object" && error !== null && !errorContexts.has(error)) {
          const input = ((args as { input?: Record<string, unknown> }).input ?? {}) as Record<
            string,
            unknown
          >;
          const resource = context.resource?.(input);
          errorContexts.set(error, {
            service: context.service,
            ...(context.endpoint ? { endpoint: context.endpoint } : {}),
            ...(context.hint ? { hint: context.hint } : {}),
            ...(resource ? { resource } : {}),
          });
        }
        throw error;
      }
    },
    { step: "initialize", name: "cliErrorContext" },
  );
}

/**
 * Describes an error thrown by (or caused by an error of) a client given to `tagAwsErrors` as an
 * operator message; anything else is returned unchanged.
 */
export function describeTaggedAwsError(error: unknown): unknown {
  for (let e: unknown = error, depth = 0; e instanceof Error && depth < 3; e = e.cause, depth++) {
    const context = errorContexts.get(e);
    if (context) return describeAwsError(e, context) ?? error;
  }
  return error;
}
