import type { IdentifierKind } from "./identifiers";

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
