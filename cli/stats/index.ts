import { Command } from "commander";
import type { CliContext } from "../lib/program";
import { show } from "./show";

/** `stats`: event counts and error rates; `stats [--since 24h]` runs `stats show`. */
export const stats = (cli: CliContext) =>
  new Command("stats")
    .description("Count events per provider and outcome, with error rates, over a time window.")
    .addCommand(show(cli), { isDefault: true });
