import { VERIFICATION_TOKEN } from "../../shared/providers/notion";
import { COMMON_OPTIONS, positionals } from "../lib/args";
import type { Command } from "../lib/command";
import { CliError, EXIT, UsageError } from "../lib/errors";
import { Output } from "../lib/output";
import { parsePipelineArgs } from "../lib/pipeline-target";
import { DEFAULT_STACK_NAME } from "../lib/stack-outputs";
import { localToken, NOT_SENT, stackToken, TOKEN_STORE } from "./token-source";

const usage = "webhook-pipeline notion token (--local | --stack [NAME]) [--region REGION] [--json]";

export const token: Command = {
  name: "token",
  summary: "print the verification token Notion sent to /webhooks/notion",
  usage,
  help: `usage: ${usage}

Prints the verification token Notion posted when the webhook subscription was created. Ingest
answers that unsigned request 200, never queues or logs it, and keeps the token where only an
operator can read it: ${TOKEN_STORE} in Secrets Manager (the Notion ingest function may write it,
not read it), or .local/notion-verification-token for the local pipeline. Paste the token into
Notion to verify the subscription, then put it into NOTION_WEBHOOK_SECRET: Notion signs every event
with it.

  --local           the local pipeline's .local/notion-verification-token (this directory or a parent)
  --stack [NAME]    the deployed stack's NotionVerificationTokenArn secret (NAME defaults to ${DEFAULT_STACK_NAME})
  --region REGION   AWS region (default: $AWS_REGION)
  --json            print {token, from} as JSON

The token is printed on standard output only: keep it out of shell history and shared terminals.
Exit codes: 0 printed, 1 no token received yet or AWS failure, 2 invalid arguments.`,
  async run(argv, io) {
    const { values, positionals: args } = parsePipelineArgs(
      argv,
      {
        ...COMMON_OPTIONS,
        local: { type: "boolean" },
        stack: { type: "string" },
        region: { type: "string" },
      },
      usage,
    );
    positionals(args, [], usage);
    if (values.local && values.stack !== undefined) {
      throw new UsageError(
        "--local and --stack exclude each other: pick the local pipeline or a stack",
        usage,
      );
    }
    if (!values.local && values.stack === undefined) {
      throw new UsageError("say where the token is: --local (the local pipeline) or --stack [NAME]", usage);
    }
    const region = values.region ?? io.env.AWS_REGION ?? io.env.AWS_DEFAULT_REGION;
    const found = values.local
      ? await localToken(io.cwd)
      : await stackToken(values.stack?.trim() || DEFAULT_STACK_NAME, region);
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
  },
};
