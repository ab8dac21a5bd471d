import type { CommandGroup } from "../lib/command";
import { list } from "./list";
import { redrive } from "./redrive";

/** `dlq`: the webhook queue's dead-letter queue (issue 6). */
export const dlq: CommandGroup = {
  name: "dlq",
  summary: "Peek at the dead-letter queue and move its messages back to the webhook queue.",
  commands: [list, redrive],
};
