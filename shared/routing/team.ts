import type { IdentifierKind, RoutingIdentifiers } from "./identifiers";

/** A team's own agent settings; each field absent means the router's default. */
export interface AgentOverride {
  /** Where the team's events go instead of the default agent (`AGENT_URL`). */
  url?: string;
  /**
   * Where the team's bearer token is kept: a Secrets Manager secret name or ARN in AWS, an
   * environment variable name in the local pipeline. The name only, never the token.
   */
  token_secret?: string;
}

/** Where the router tells a team about events it could not deliver. */
export interface TeamNotify {
  /** A Slack channel ID (C…, G… or D…). */
  slack_channel?: string;
}

/** The result of routing one event: the owning team, why it matched, and the team's delivery settings. */
export interface TeamMatch {
  org_id: string;
  team_node_id: string;
  matched_by: IdentifierKind;
  identifier: string;
  agent?: AgentOverride;
  notify?: TeamNotify;
}

/**
 * The router's port onto the routing table: resolves a whole batch of events' identifiers in one go
 * (one BatchGetItem for all of them, cached), answering `undefined` where no team claims any of them.
 */
export interface TeamResolver {
  resolveTeams(batch: readonly RoutingIdentifiers[]): Promise<(TeamMatch | undefined)[]>;
}
