import type { Command } from "commander";
import {
  ClaimConflictError,
  ConcurrentRoutingUpdateError,
  TransactionTooLargeError,
  UnprocessedKeysError,
} from "../../shared/routing/routing-errors";
import { RoutingTable } from "../../shared/routing/routing-table";
import { TeamConfigError } from "../../shared/routing/team-config";
import { CliError, EXIT } from "../lib/errors";
import type { CliIO } from "../lib/io";
import { withPipeline } from "../lib/pipeline-target";
import { addTargetOptions, type TargetOptions } from "../lib/target-options";

/** The target options of a `routes` command: where the routing table is. */
export const routingTableOptions = (command: Command): Command => addTargetOptions(command, ["routingTable"]);

/** Maps the routing domain's errors to operator messages and exit codes. */
function toCliError(error: unknown): unknown {
  if (error instanceof ClaimConflictError) return new CliError(error.message, EXIT.failure);
  if (error instanceof TeamConfigError) return new CliError(error.message, EXIT.usage);
  if (error instanceof TransactionTooLargeError) return new CliError(error.message, EXIT.usage);
  if (error instanceof ConcurrentRoutingUpdateError || error instanceof UnprocessedKeysError) {
    return new CliError(error.message, EXIT.failure);
  }
  return error;
}

/** Opens the routing table of the target for one command, runs `work`, and closes the client. */
export async function withRoutingTable<T>(
  options: TargetOptions,
  io: CliIO,
  work: (table: RoutingTable) => Promise<T>,
): Promise<T> {
  try {
    return await withPipeline(options, io, (session) =>
      work(new RoutingTable({ tableName: session.name("routingTable"), client: session.documents() })),
    );
  } catch (error) {
    throw toCliError(error);
  }
}
