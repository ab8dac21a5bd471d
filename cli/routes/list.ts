import { COMMON_OPTIONS, parseCommandArgs, positionals } from "../lib/args";
import type { Command } from "../lib/command";
import { DYNAMODB_OPTIONS, DYNAMODB_OPTIONS_HELP } from "../lib/dynamodb";
import { EXIT } from "../lib/errors";
import { Output, renderTable } from "../lib/output";
import { withRoutingTable } from "./context";
import { agentText } from "./format";

const usage = "webhook-pipeline routes list [--json] [--table NAME] [--endpoint URL | --local]";

export const list: Command = {
  name: "list",
  summary: "list every team with its number of claims and agent",
  usage,
  help: `usage: ${usage}

Lists the teams in the routing table (a Query of its sparse teams index).

${DYNAMODB_OPTIONS_HELP.replace("$TABLE_ENV", "$ROUTING_TABLE")}
  --json            print the team records as a JSON array`,
  async run(argv, io) {
    const { values, positionals: args } = parseCommandArgs(
      argv,
      { ...COMMON_OPTIONS, ...DYNAMODB_OPTIONS },
      usage,
    );
    positionals(args, [], usage);
    const teams = await withRoutingTable(values, io, usage, (table) => table.listTeams());
    new Output(io, values.json ?? false).result(teams, () =>
      teams.length === 0
        ? "no teams: add one with `routes apply <file.json>`"
        : renderTable(
            ["ORG", "TEAM", "CLAIMS", "AGENT", "UPDATED"],
            teams.map((t) => [t.org_id, t.team_node_id, t.claims.length, agentText(t), t.updated_at]),
          ),
    );
    return EXIT.ok;
  },
};
