import { CliError, UsageError } from "../lib/errors";

/** `<org>/<team>` → its two parts. */
export function parseTeamRef(value: string): { org_id: string; team_node_id: string } {
  const match = /^([^/\s]+)\/([^/\s]+)$/.exec(value.trim());
  if (!match) {
    throw new UsageError(`expected <org>/<team>, like extend/extend-sre; got ${JSON.stringify(value)}`);
  }
  return { org_id: match[1]!, team_node_id: match[2]! };
}

/** The failure of a command naming a team the routing table does not hold (exit 1). */
export const noSuchTeam = (team: { org_id: string; team_node_id: string }) =>
  new CliError(`no team ${team.org_id}/${team.team_node_id} in the routing table (see \`routes list\`)`);
