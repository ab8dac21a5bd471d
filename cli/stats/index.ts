import type { CommandGroup } from "../lib/command";
import { show } from "./show";

/** `stats`: event counts and error rates (issue 6); `stats [--since 24h]` runs `stats show`. */
export const stats: CommandGroup = {
  name: "stats",
  summary: "Count events per provider and outcome, with error rates, over a time window.",
  commands: [show],
  defaultCommand: "show",
};
