import type { CommandGroup } from "../lib/command";
import { token } from "./token";

/** `notion`: what an operator needs to connect a Notion webhook subscription. */
export const notion: CommandGroup = {
  name: "notion",
  summary: "Print the verification token Notion sent, to paste into Notion and into NOTION_WEBHOOK_SECRET.",
  commands: [token],
};
