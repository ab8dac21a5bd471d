import { COMMON_OPTIONS, parseCommandArgs, parseTeamRef, positionals } from "../lib/args";
import type { Command } from "../lib/command";
import { DYNAMODB_OPTIONS, DYNAMODB_OPTIONS_HELP } from "../lib/dynamodb";
import { CliError, EXIT } from "../lib/errors";
import { Output } from "../lib/output";
import { withRoutingTable } from "./context";
import { renderTeam } from "./format";

const usage = "webhook-pipeline routes show <org>/<team> [--json] [--table NAME] [--endpoint URL | --local]";

export const show: Command = {
  name: "show",
  summary: "show one team's routing config, claims and agent",
  usage,
  help: `usage: ${usage}

${DYNAMODB_OPTIONS_HELP.replace("$TABLE_ENV", "$ROUTING_TABLE")}
  --json            print the team record as JSON

Exit codes: 0 shown, 1 no such team or DynamoDB failure, 2 invalid arguments.`,
  async run(argv, io) {
    const { values, positionals: args } = parseCommandArgs(
      argv,
      { ...COMMON_OPTIONS, ...DYNAMODB_OPTIONS },
      usage,
    );
    const [ref] = positionals(args, ["org>/<team"], usage);
    const { org_id, team_node_id } = parseTeamRef(ref!, usage);
    const team = await withRoutingTable(values, io, usage, (table) => table.getTeam(org_id, team_node_id));
    if (!team)
      throw new CliError(`no team ${org_id}/${team_node_id} in the routing table (see \`routes list\`)`);
    new Output(io, values.json ?? false).result(team, () => renderTeam(team));
    return EXIT.ok;
  },
};
