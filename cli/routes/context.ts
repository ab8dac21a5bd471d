import {
  ClaimConflictError,
  ConcurrentRoutingUpdateError,
  TransactionTooLargeError,
  UnprocessedKeysError,
} from "../../shared/routing/routing-errors";
import { RoutingTable } from "../../shared/routing/routing-table";
import { TeamConfigError } from "../../shared/routing/team-config";
import {
  createDocumentClient,
  type DynamoFlags,
  type DynamoTarget,
  resolveDynamoTarget,
} from "../lib/dynamodb";
import { CliError, describeAwsError, EXIT } from "../lib/errors";
import type { CliIO } from "../lib/io";

/** The routing table target of a `routes` command: `--table`/ROUTING_TABLE, `--endpoint`, `--local`. */
export function routingTarget(flags: DynamoFlags, io: CliIO, usage: string): Promise<DynamoTarget> {
  return resolveDynamoTarget(flags, io, { env: "ROUTING_TABLE", localField: "routingTable" }, usage);
}

/** Maps the routing domain's errors and AWS failures to operator messages and exit codes. */
function toCliError(error: unknown, target: DynamoTarget): unknown {
  if (error instanceof ClaimConflictError) return new CliError(error.message, EXIT.failure);
  if (error instanceof TeamConfigError) return new CliError(error.message, EXIT.usage);
  if (error instanceof TransactionTooLargeError) return new CliError(error.message, EXIT.usage);
  if (error instanceof ConcurrentRoutingUpdateError || error instanceof UnprocessedKeysError) {
    return new CliError(error.message, EXIT.failure);
  }
  return (
    describeAwsError(error, {
      service: "DynamoDB",
      resource: `routing table '${target.tableName}'`,
      ...(target.endpoint ? { endpoint: target.endpoint } : {}),
    }) ?? error
  );
}

/** Opens the routing table for one command, runs `work`, and closes the client. */
export async function withRoutingTable<T>(
  flags: DynamoFlags,
  io: CliIO,
  usage: string,
  work: (table: RoutingTable, target: DynamoTarget) => Promise<T>,
): Promise<T> {
  const target = await routingTarget(flags, io, usage);
  const client = createDocumentClient(target);
  try {
    return await work(new RoutingTable({ tableName: target.tableName, client }), target);
  } catch (error) {
    throw toCliError(error, target);
  } finally {
    client.destroy();
  }
}
