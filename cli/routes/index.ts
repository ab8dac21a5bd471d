import { Command } from "commander";
import type { CliContext } from "../lib/program";
import { apply } from "./apply";
import { list } from "./list";
import { lookup } from "./lookup";
import { remove } from "./remove";
import { show } from "./show";

/** `routes`: the routing table's teams and claims. */
export const routes = (cli: CliContext) =>
  new Command("routes")
    .description("Manage which team owns which routing identifier (the DynamoDB routing table).")
    .addCommand(apply(cli))
    .addCommand(list(cli))
    .addCommand(show(cli))
    .addCommand(lookup(cli))
    .addCommand(remove(cli));
