import { COMMON_OPTIONS, parseCommandArgs, parseTeamRef, positionals } from "../lib/args";
import type { Command } from "../lib/command";
import { DYNAMODB_OPTIONS, DYNAMODB_OPTIONS_HELP } from "../lib/dynamodb";
import { CliError, EXIT } from "../lib/errors";
import { Output } from "../lib/output";
import { withRoutingTable } from "./context";
import { describeClaims } from "./format";

const usage =
  "webhook-pipeline routes remove <org>/<team> [--json] [--table NAME] [--endpoint URL | --local]";

export const remove: Command = {
  name: "remove",
  summary: "delete a team and release every identifier it claims",
  usage,
  help: `usage: ${usage}

Deletes the team item and its claims in one transaction. Events on its identifiers become unrouted
(or go to the default team) once routers' caches expire (ROUTING_CACHE_SECONDS).

${DYNAMODB_OPTIONS_HELP.replace("$TABLE_ENV", "$ROUTING_TABLE")}
  --json            print the result as JSON

Exit codes: 0 removed, 1 no such team or DynamoDB failure, 2 invalid arguments.`,
  async run(argv, io) {
    const { values, positionals: args } = parseCommandArgs(
      argv,
      { ...COMMON_OPTIONS, ...DYNAMODB_OPTIONS },
      usage,
    );
    const [ref] = positionals(args, ["org>/<team"], usage);
    const { org_id, team_node_id } = parseTeamRef(ref!, usage);
    const result = await withRoutingTable(values, io, usage, (table) =>
      table.removeTeam(org_id, team_node_id),
    );
    if (!result)
      throw new CliError(`no team ${org_id}/${team_node_id} in the routing table (see \`routes list\`)`);
    new Output(io, values.json ?? false).result(
      { org_id, team_node_id, removed: result.removed },
      () => `removed ${org_id}/${team_node_id}\n  released: ${describeClaims(result.removed)}`,
    );
    return EXIT.ok;
  },
};
