import { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { DynamoDBDocumentClient } from "@aws-sdk/lib-dynamodb";
import type { OptionSpec } from "./args";
import { UsageError } from "./errors";
import type { CliIO } from "./io";
import { type LocalPipeline, readLocalPipeline } from "./local-pipeline";

/** Flags of every command that talks to a DynamoDB table. */
export const DYNAMODB_OPTIONS = {
  table: { type: "string" },
  endpoint: { type: "string" },
  local: { type: "boolean" },
  region: { type: "string" },
} as const satisfies OptionSpec;

export const DYNAMODB_OPTIONS_HELP = `Target:
  --table NAME      the table (default: $TABLE_ENV)
  --endpoint URL    a DynamoDB endpoint, e.g. DynamoDB Local (default: $AWS_ENDPOINT_URL_DYNAMODB)
  --local           use the running local pipeline's endpoint and table (.local/pipeline.json)
  --region REGION   AWS region (default: $AWS_REGION)`;

export interface DynamoTarget {
  tableName: string;
  endpoint?: string;
  region?: string;
}

export interface DynamoFlags {
  table?: string | undefined;
  endpoint?: string | undefined;
  local?: boolean | undefined;
  region?: string | undefined;
}

/**
 * Which table and endpoint a command uses: `--local` takes both from the local pipeline's file;
 * otherwise `--table` or the table's environment variable, and `--endpoint` or the SDK's own
 * endpoint variables (explicit flags always win).
 */
export async function resolveDynamoTarget(
  flags: DynamoFlags,
  io: CliIO,
  table: { env: string; localField: keyof LocalPipeline & string },
  usage: string,
): Promise<DynamoTarget> {
  let local: LocalPipeline | undefined;
  if (flags.local) local = await readLocalPipeline(io.cwd);
  const localTable = local?.[table.localField];
  const tableName =
    flags.table ?? (typeof localTable === "string" ? localTable : undefined) ?? io.env[table.env];
  if (!tableName?.trim()) {
    throw new UsageError(
      `no table: pass --table NAME, set ${table.env}, or use --local with the local pipeline running`,
      usage,
    );
  }
  const endpoint = checkEndpoint(
    flags.endpoint ?? local?.dynamodbEndpoint ?? io.env.AWS_ENDPOINT_URL_DYNAMODB ?? io.env.AWS_ENDPOINT_URL,
    "--endpoint",
    usage,
  );
  const region = flags.region ?? io.env.AWS_REGION ?? io.env.AWS_DEFAULT_REGION;
  return {
    tableName: tableName.trim(),
    ...(endpoint ? { endpoint } : {}),
    ...(region ? { region } : {}),
  };
}

/** An endpoint given by flag, file or environment must be a URL; returns it unchanged (or undefined). */
export function checkEndpoint(endpoint: string | undefined, flag: string, usage: string): string | undefined {
  if (endpoint === undefined) return undefined;
  try {
    new URL(endpoint);
  } catch {
    throw new UsageError(
      `${flag} must be a URL like http://127.0.0.1:8000, got ${JSON.stringify(endpoint)}`,
      usage,
    );
  }
  return endpoint;
}

/** A URL on this machine (`localhost`, `*.localhost`, 127.x, [::1]): an emulator, never AWS. */
export const isLoopback = (url: string) => {
  const host = new URL(url).hostname;
  return host === "localhost" || host.endsWith(".localhost") || host === "[::1]" || host.startsWith("127.");
};

/**
 * Client settings for an endpoint: a loopback endpoint is an emulator, so it gets placeholder
 * credentials and region and a developer's real AWS credentials are never sent to it.
 */
export function emulatorSafeClientConfig(target: { endpoint?: string; region?: string }) {
  const local = target.endpoint !== undefined && isLoopback(target.endpoint);
  return {
    ...(target.endpoint ? { endpoint: target.endpoint } : {}),
    ...(target.region ? { region: target.region } : local ? { region: "us-east-1" } : {}),
    ...(local ? { credentials: { accessKeyId: "local", secretAccessKey: "local" } } : {}),
    maxAttempts: 3,
  };
}

/**
 * A document client for the target. A loopback endpoint is an emulator: it gets placeholder
 * credentials and region so a developer's real AWS credentials are never sent to it.
 */
export function createDocumentClient(target: Omit<DynamoTarget, "tableName">): DynamoDBDocumentClient {
  const client = new DynamoDBClient(emulatorSafeClientConfig(target));
  return DynamoDBDocumentClient.from(client, { marshallOptions: { removeUndefinedValues: true } });
}
