import type { Envelope } from "../envelope/envelope";

/** The team identity attached to every agent request. */
export interface AgentTeam {
  org_id: string;
  team_node_id: string;
  /** The identifier kind that matched, or `default_team` when DEFAULT_TEAM caught the event. */
  matched_by: string;
  /** The matching identifier's value (empty for the default team). */
  identifier: string;
}

/** The JSON body POSTed to a team's agent (ARCHITECTURE.md, "Agent request"). */
export interface AgentRequest {
  id: string;
  provider: string;
  event_type: string;
  delivery_key: string;
  received_at: string;
  team: AgentTeam;
  payload: unknown;
}

export function agentRequest(envelope: Envelope, team: AgentTeam): AgentRequest {
  return {
    id: envelope.id,
    provider: envelope.provider,
    event_type: envelope.event_type,
    delivery_key: envelope.delivery_key,
    received_at: envelope.received_at,
    team: {
      org_id: team.org_id,
      team_node_id: team.team_node_id,
      matched_by: team.matched_by,
      identifier: team.identifier,
    },
    payload: envelope.payload,
  };
}
