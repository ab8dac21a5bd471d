import type { AgentOverride, TeamNotify } from "./team";

/**
 * A team's delivery settings (`agent`, `notify`) read from a validated config or a stored item: only
 * the fields that are set, so an item written before a field existed reads back without it.
 */
export interface DeliverySettings {
  agent?: AgentOverride;
  notify?: TeamNotify;
}

const stringField = (value: unknown, key: string): string | undefined => {
  const field = (value as Record<string, unknown> | undefined)?.[key];
  return typeof field === "string" ? field : undefined;
};

function agentOf(source: unknown): AgentOverride | undefined {
  const url = stringField(source, "url");
  const token_secret = stringField(source, "token_secret");
  if (url === undefined && token_secret === undefined) return undefined;
  return { ...(url !== undefined ? { url } : {}), ...(token_secret !== undefined ? { token_secret } : {}) };
}

function notifyOf(source: unknown): TeamNotify | undefined {
  const slack_channel = stringField(source, "slack_channel");
  return slack_channel !== undefined ? { slack_channel } : undefined;
}

/** `{agent?, notify?}` of a config, a team item or a claim item, to spread into records and matches. */
export function deliverySettingsOf(source: { agent?: unknown; notify?: unknown }): DeliverySettings {
  const agent = agentOf(source.agent);
  const notify = notifyOf(source.notify);
  return { ...(agent ? { agent } : {}), ...(notify ? { notify } : {}) };
}
