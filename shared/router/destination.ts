import type { DefaultTeam } from "../config/router-config";
import type { TeamMatch } from "../routing/team";
import type { Destination } from "./routing-decision";

/**
 * The team an event goes to: its routing match, or DEFAULT_TEAM when one is configured and no claim
 * matched; undefined when the event is unrouted. A team's own agent URL overrides `defaultAgentUrl`.
 */
export function destinationOf(
  match: TeamMatch | undefined,
  defaults: { agentUrl: string; defaultTeam?: DefaultTeam | undefined },
): Destination | undefined {
  if (!match) {
    const fallback = defaults.defaultTeam;
    if (!fallback) return undefined;
    return {
      team: { ...fallback, matched_by: "default_team", identifier: "" },
      agentUrl: defaults.agentUrl,
    };
  }
  return {
    team: {
      org_id: match.org_id,
      team_node_id: match.team_node_id,
      matched_by: match.matched_by,
      identifier: match.identifier,
    },
    agentUrl: match.agent?.url ?? defaults.agentUrl,
    ...(match.agent?.token_secret ? { tokenSecret: match.agent.token_secret } : {}),
    ...(match.notify?.slack_channel ? { notifyChannel: match.notify.slack_channel } : {}),
  };
}
