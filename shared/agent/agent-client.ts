import type { AgentResult } from "./agent-result";

/** One call to a team's agent. */
export interface AgentCall {
  url: string;
  /** The exact JSON body to POST (built by the router with agentRequestBody; never re-serialised here). */
  body: string;
  /** Standard Webhooks `webhook-id` (the event id). */
  webhookId: string;
  correlationId: string;
  /** The team's token: sent as `Authorization: Bearer <token>` when set. */
  token?: string;
}

/** The router's port onto the agents. Never throws for anything the agent or the network does. */
export interface AgentClient {
  deliver(call: AgentCall): Promise<AgentResult>;
}
