import { Command } from "commander";
import { VERIFICATION_TOKEN } from "../../shared/providers/notion";
import { CliError, EXIT, UsageError } from "../lib/errors";
import type { CliIO } from "../lib/io";
import { Output } from "../lib/output";
import { action, type CliContext } from "../lib/program";
import { addTargetOptions, regionOf, stackNameOf, type TargetOptions } from "../lib/target-options";
import { localToken, NOT_SENT, stackToken, TOKEN_STORE } from "./token-source";

type TokenOptions = TargetOptions & { json?: boolean };

export const token = (cli: CliContext) =>
  addTargetOptions(
    new Command("token")
      .summary("print the verification token Notion sent to /webhooks/notion")
      .description(
        "Prints the verification token Notion posted when the webhook subscription was created. Ingest " +
          "answers that unsigned request 200, never queues or logs it, and keeps the token where only an " +
          `operator can read it: ${TOKEN_STORE} in Secrets Manager (the Notion ingest function may write it, ` +
          "not read it), or .local/notion-verification-token for the local pipeline. Paste the token into " +
          "Notion to verify the subscription, then put it into NOTION_WEBHOOK_SECRET: Notion signs every event " +
          "with it.",
      )
      .option("--json", "print {token, from} as JSON"),
    [],
  )
    .addHelpText(
      "after",
      `
With --local the token is read from the local pipeline's .local/notion-verification-token (this
directory or a parent); with --stack from the deployed stack's NotionVerificationTokenArn secret.
The token is printed on standard output only: keep it out of shell history and shared terminals.
Exit codes: 0 printed, 1 no token received yet or AWS failure, 2 invalid arguments.`,
    )
    .action(action<TokenOptions>(cli, (options, _args, io) => run(options, io)));

async function run(values: TokenOptions, io: CliIO): Promise<number> {
  if (!values.local && values.stack === undefined) {
    throw new UsageError("say where the token is: --local (the local pipeline) or --stack [NAME]");
  }
  const found = values.local
    ? await localToken(io.cwd)
    : await stackToken(stackNameOf(values.stack!), regionOf(values, io.env));
  // The stack's secret holds a random placeholder until Notion's request arrives.
  if (!VERIFICATION_TOKEN.test(found.token)) {
    throw new CliError(`${found.from} holds no verification token yet: ${NOT_SENT}`);
  }
  const output = new Output(io, values.json ?? false);
  output.result(found, () => found.token);
  if (!output.json) {
    output.note(
      `from ${found.from}: paste it into Notion to verify the subscription, then put it into NOTION_WEBHOOK_SECRET`,
    );
  }
  return EXIT.ok;
}
