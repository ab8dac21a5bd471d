import { Command } from "commander";
import type { CliContext } from "../lib/program";
import { token } from "./token";

/** `notion`: what an operator needs to connect a Notion webhook subscription. */
export const notion = (cli: CliContext) =>
  new Command("notion")
    .description(
      "Print the verification token Notion sent, to paste into Notion and into NOTION_WEBHOOK_SECRET.",
    )
    .addCommand(token(cli));
