import { Command } from "commander";
import type { CliContext } from "../lib/program";
import { list } from "./list";
import { redrive } from "./redrive";

/** `dlq`: the dead-letter queue. */
export const dlq = (cli: CliContext) =>
  new Command("dlq")
    .description("Peek at the dead-letter queue and redrive its messages to the webhook queue.")
    .addCommand(list(cli))
    .addCommand(redrive(cli));
