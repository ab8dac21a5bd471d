/** The team identity attached to every agent request. */
export interface AgentTeam {
  org_id: string;
  team_node_id: string;
  /** The identifier kind that matched, or `default_team` when DEFAULT_TEAM caught the event. */
  matched_by: string;
  /** The matching identifier's value (empty for the default team). */
  identifier: string;
}

/** Everything in an agent request but the payload (ARCHITECTURE.md, "Agent request"), in body order. */
export interface AgentRequestMeta {
  id: string;
  provider: string;
  source?: string;
  event_type: string;
  delivery_key: string;
  received_at: string;
  team: AgentTeam;
}

/** What the body is built from: the event's metadata and its payload's JSON text as the provider sent it. */
export interface AgentRequestParts {
  meta: AgentRequestMeta;
  payloadText: string;
}

/**
 * The JSON body POSTed to a team's agent: the metadata, then `"payload":` followed by the payload's
 * text inserted verbatim. Never re-serialised, so big integers, key order, spacing and nesting
 * depth reach the agent exactly as the provider signed them.
 */
export function agentRequestBody({ meta, payloadText }: AgentRequestParts): string {
  const metaJson = JSON.stringify({
    id: meta.id,
    provider: meta.provider,
    ...(meta.source !== undefined ? { source: meta.source } : {}),
    event_type: meta.event_type,
    delivery_key: meta.delivery_key,
    received_at: meta.received_at,
    team: {
      org_id: meta.team.org_id,
      team_node_id: meta.team.team_node_id,
      matched_by: meta.team.matched_by,
      identifier: meta.team.identifier,
    },
  });
  return `${metaJson.slice(0, -1)},"payload":${payloadText}}`;
}

/**
 * The inverse, for agents written against this contract (the demo and soak agents): the metadata
 * and the payload's exact text, or undefined when `body` was not built by `agentRequestBody`.
 */
export function splitAgentRequestBody(body: string): AgentRequestParts | undefined {
  let parsed: unknown;
  try {
    parsed = JSON.parse(body);
  } catch {
    return undefined;
  }
  if (typeof parsed !== "object" || parsed === null || !("payload" in parsed)) return undefined;
  const { payload: _payload, ...meta } = parsed as AgentRequestMeta & { payload: unknown };
  const prefix = `${JSON.stringify(meta).slice(0, -1)},"payload":`;
  if (!body.startsWith(prefix) || !body.endsWith("}")) return undefined;
  return { meta, payloadText: body.slice(prefix.length, -1) };
}
