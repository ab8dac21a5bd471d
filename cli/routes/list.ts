import { Command } from "commander";
import { EXIT } from "../lib/errors";
import { Output, renderTable } from "../lib/output";
import { action, type CliContext } from "../lib/program";
import type { TargetOptions } from "../lib/target-options";
import { routingTableOptions, withRoutingTable } from "./context";
import { agentText } from "./format";

export const list = (cli: CliContext) =>
  routingTableOptions(
    new Command("list")
      .summary("list every team with its number of claims and agent")
      .description("Lists the teams in the routing table (a Query of its sparse teams index).")
      .option("--json", "print the team records as a JSON array"),
  )
    .addHelpText("after", "\nExit codes: 0 listed, 1 DynamoDB failure, 2 invalid arguments.")
    .action(
      action<TargetOptions & { json?: boolean }>(cli, async (options, _args, io) => {
        const teams = await withRoutingTable(options, io, (table) => table.listTeams());
        new Output(io, options.json ?? false).result(teams, () =>
          teams.length === 0
            ? "no teams: add one with `routes apply <file.json>`"
            : renderTable(
                ["ORG", "TEAM", "CLAIMS", "AGENT", "UPDATED"],
                teams.map((t) => [t.org_id, t.team_node_id, t.claims.length, agentText(t), t.updated_at]),
              ),
        );
        return EXIT.ok;
      }),
    );
