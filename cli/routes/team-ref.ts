import { UsageError } from "../lib/errors";

/** `<org>/<team>` → its two parts. */
export function parseTeamRef(value: string): { org_id: string; team_node_id: string } {
  const match = /^([^/\s]+)\/([^/\s]+)$/.exec(value.trim());
  if (!match) {
    throw new UsageError(`expected <org>/<team>, like extend/extend-sre; got ${JSON.stringify(value)}`);
  }
  return { org_id: match[1]!, team_node_id: match[2]! };
}
