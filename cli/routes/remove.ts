import { Command } from "commander";
import { EXIT } from "../lib/errors";
import { Output } from "../lib/output";
import { action, type CliContext } from "../lib/program";
import type { TargetOptions } from "../lib/target-options";
import { routingTableOptions, withRoutingTable } from "./context";
import { describeClaims } from "./format";
import { noSuchTeam, parseTeamRef } from "./team-ref";

export const remove = (cli: CliContext) =>
  routingTableOptions(
    new Command("remove")
      .summary("delete a team and release every identifier it claims")
      .description(
        "Deletes the team item and its claims in one transaction. Events on its identifiers become " +
          "unrouted (or go to the default team) once routers' caches expire (ROUTING_CACHE_SECONDS).",
      )
      .argument("<org/team>", "the team, like extend/extend-sre")
      .option("--json", "print the result as JSON"),
  )
    .addHelpText("after", "\nExit codes: 0 removed, 1 no such team or DynamoDB failure, 2 invalid arguments.")
    .action(
      action<TargetOptions & { json?: boolean }>(cli, async (options, [ref], io) => {
        const { org_id, team_node_id } = parseTeamRef(ref!);
        const result = await withRoutingTable(options, io, (table) => table.removeTeam(org_id, team_node_id));
        if (!result) throw noSuchTeam({ org_id, team_node_id });
        new Output(io, options.json ?? false).result(
          { org_id, team_node_id, removed: result.removed },
          () => `removed ${org_id}/${team_node_id}\n  released: ${describeClaims(result.removed)}`,
        );
        return EXIT.ok;
      }),
    );
