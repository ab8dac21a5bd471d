import type { CommandGroup } from "../lib/command";
import { apply } from "./apply";
import { list } from "./list";
import { lookup } from "./lookup";
import { remove } from "./remove";
import { show } from "./show";

/** `routes`: the routing table's teams and claims (issue 3). */
export const routes: CommandGroup = {
  name: "routes",
  summary: "Manage which team owns which routing identifier (the DynamoDB routing table).",
  commands: [apply, list, show, lookup, remove],
};
