import type { CommandGroup } from "../lib/command";
import { list } from "./list";
import { replay } from "./replay";
import { show } from "./show";

/** `events`: the router's outcome records (issue 6). */
export const events: CommandGroup = {
  name: "events",
  summary: "Find recorded events (the DynamoDB events table) and replay them onto the webhook queue.",
  commands: [list, show, replay],
};
