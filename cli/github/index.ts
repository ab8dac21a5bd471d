import { Command } from "commander";
import type { CliContext } from "../lib/program";
import { redeliver } from "./redeliver";

/** `github`: recovering GitHub webhook deliveries GitHub never retries. */
export const github = (cli: CliContext) =>
  new Command("github")
    .description("Reconcile GitHub's webhook delivery log with what the pipeline accepted.")
    .addCommand(redeliver(cli));
