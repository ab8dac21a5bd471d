import type { IdentifierKind, RoutingIdentifiers } from "./identifiers";

/** Where a team's events go when it overrides the default agent (`AGENT_URL`). */
export interface AgentOverride {
  url: string;
}

/** The result of routing one event: the owning team and why it matched. */
export interface TeamMatch {
  org_id: string;
  team_node_id: string;
  matched_by: IdentifierKind;
  identifier: string;
  agent?: AgentOverride;
}

/**
 * The router's port onto the routing table: resolves a whole batch of events' identifiers in one go
 * (one BatchGetItem for all of them, cached), answering `undefined` where no team claims any of them.
 */
export interface TeamResolver {
  resolveTeams(batch: readonly RoutingIdentifiers[]): Promise<(TeamMatch | undefined)[]>;
}
