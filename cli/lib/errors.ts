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

/** A mistake on the command line or in an input file (exit code 2). */
export class UsageError extends CliError {
  constructor(
    message: string,
    readonly hint?: string,
  ) {
    super(message, EXIT.usage);
    this.name = "UsageError";
  }
}

const messageOf = (error: unknown): string => (error instanceof Error ? error.message : String(error));

/**
 * Turns an AWS SDK or network failure into a CliError that says what to do about it, or returns
 * undefined when the error is not one of those.
 */
export function describeAwsError(
  error: unknown,
  context: { service: string; resource?: string; endpoint?: string },
): CliError | undefined {
  if (!(error instanceof Error)) return undefined;
  const where = context.endpoint ? ` at ${context.endpoint}` : "";
  const code = (error as { code?: string }).code ?? (error.cause as { code?: string } | undefined)?.code;
  const name = error.name;
  if (name === "ResourceNotFoundException") {
    return new CliError(
      `${context.resource ?? "the resource"} was not found${where} (${error.message}). ` +
        "Check --table / the environment, or start the local pipeline with npm start and use --local.",
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
        "Configure credentials (AWS_PROFILE, aws sso login, …) or use --local / --endpoint for a local emulator.",
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
