import type { ClaimRef } from "../../shared/routing/claims";
import type { TeamRecord } from "../../shared/routing/routing-table";
import type { AgentOverride, TeamNotify } from "../../shared/routing/team";
import { renderTable } from "../lib/output";

export const describeClaims = (claims: readonly ClaimRef[]): string =>
  claims.length === 0 ? "none" : claims.map((c) => `${c.kind} ${c.value}`).join(", ");

export const agentText = (team: { agent?: AgentOverride }): string =>
  team.agent?.url ?? "default (AGENT_URL)";

/** The secret's name (never its value: the CLI does not read it). */
export const tokenText = (team: { agent?: AgentOverride }): string =>
  team.agent?.token_secret ? `from secret ${team.agent.token_secret}` : "none";

export const notifyText = (team: { notify?: TeamNotify }): string =>
  team.notify?.slack_channel ? `Slack channel ${team.notify.slack_channel}` : "none";

/** A team's details and its claims as a table. */
export function renderTeam(team: TeamRecord): string {
  const head = [
    `team:     ${team.org_id}/${team.team_node_id}`,
    `agent:    ${agentText(team)}`,
    `token:    ${tokenText(team)}`,
    `notify:   ${notifyText(team)}`,
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
