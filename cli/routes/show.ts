import { Command } from "commander";
import { EXIT } from "../lib/errors";
import { Output } from "../lib/output";
import { action, type CliContext } from "../lib/program";
import type { TargetOptions } from "../lib/target-options";
import { routingTableOptions, withRoutingTable } from "./context";
import { renderTeam } from "./format";
import { noSuchTeam, parseTeamRef } from "./team-ref";

export const show = (cli: CliContext) =>
  routingTableOptions(
    new Command("show")
      .summary("show one team's routing config, claims and agent")
      .description("Shows one team's routing config, its claims and its agent.")
      .argument("<org/team>", "the team, like extend/extend-sre")
      .option("--json", "print the team record as JSON"),
  )
    .addHelpText("after", "\nExit codes: 0 shown, 1 no such team or DynamoDB failure, 2 invalid arguments.")
    .action(
      action<TargetOptions & { json?: boolean }>(cli, async (options, [ref], io) => {
        const { org_id, team_node_id } = parseTeamRef(ref!);
        const team = await withRoutingTable(options, io, (table) => table.getTeam(org_id, team_node_id));
        if (!team) throw noSuchTeam({ org_id, team_node_id });
        new Output(io, options.json ?? false).result(team, () => renderTeam(team));
        return EXIT.ok;
      }),
    );
