import { Command } from "commander";
import type { CliContext } from "../lib/program";
import { list } from "./list";
import { replay } from "./replay";
import { show } from "./show";

/** `events`: the router's outcome records. */
export const events = (cli: CliContext) =>
  new Command("events")
    .description("Find recorded events (the DynamoDB events table) and replay them onto the webhook queue.")
    .addCommand(list(cli))
    .addCommand(show(cli))
    .addCommand(replay(cli));
