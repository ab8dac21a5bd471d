import type { ClaimRef } from "../../shared/routing/claims";
import type { TeamRecord } from "../../shared/routing/routing-table";
import { renderTable } from "../lib/output";

export const describeClaims = (claims: readonly ClaimRef[]): string =>
  claims.length === 0 ? "none" : claims.map((c) => `${c.kind} ${c.value}`).join(", ");

export const agentText = (team: { agent?: { url: string } }): string =>
  team.agent?.url ?? "default (AGENT_URL)";

/** A team's details and its claims as a table. */
export function renderTeam(team: TeamRecord): string {
  const head = [
    `team:     ${team.org_id}/${team.team_node_id}`,
    `agent:    ${agentText(team)}`,
    `version:  ${team.version}`,
    `created:  ${team.created_at}`,
    `updated:  ${team.updated_at}`,
    "",
  ].join("\n");
  if (team.claims.length === 0) return `${head}claims:   none\n`;
  return `${head}\n${renderTable(
    ["IDENTIFIER", "VALUE"],
    team.claims.map((c) => [c.kind, c.value]),
  )}`;
}
