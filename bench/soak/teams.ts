import { DEMO_TEAM } from "../../local/demo-team";
import { DEV_SECRETS } from "../../local/dev-defaults";
import { freePort } from "../../local/free-port";
import type { LocalPipelineDescription } from "../../local/pipeline-file";
import type { SampleSecrets } from "../../local/samples/sample-webhooks";
import { createRoutingDocumentClient, RoutingTable } from "../../shared/routing/routing-table";
import type { TeamConfig } from "../../shared/routing/team-config";

/**
 * The soak's senders and teams. The healthy team is the local pipeline's demo team (its agent is the
 * soak's agent, the pipeline's AGENT_URL); a second team claims identifiers of its own and points
 * its agent at a port where nothing listens, for the whole run.
 */

/** Generic sources that send the same alert ids and bytes: each must still reach the agent. */
export const SAME_ID_SOURCES = ["datadog", "grafana"] as const;

/** The development secrets, with the same-id sources added to the generic ones (sender and pipeline). */
export const SOAK_SECRETS: SampleSecrets = {
  ...DEV_SECRETS,
  GENERIC_WEBHOOK_SECRETS: JSON.stringify({
    ...JSON.parse(DEV_SECRETS.GENERIC_WEBHOOK_SECRETS),
    ...Object.fromEntries(SAME_ID_SOURCES.map((source) => [source, `soak-${source}-webhook-secret`])),
  }),
};

/** Identifiers the healthy team claims (seed 000's, in every sample). */
export const HEALTHY = {
  team: DEMO_TEAM.team_node_id,
  repo: DEMO_TEAM.routing.github_repos![0]!,
  slackChannel: DEMO_TEAM.routing.slack_channel_ids![0]!,
  pagerdutyService: DEMO_TEAM.routing.pagerduty_service_ids![0]!,
  service: DEMO_TEAM.routing.services![0]!,
} as const;

/** Identifiers only the broken team claims. */
export const BROKEN = {
  team: "soak-agent-down",
  repo: "soak/agent-down",
  slackChannel: "C0SOAKAGENTDOWN",
} as const;

export interface BrokenTeam {
  config: TeamConfig;
  /** `127.0.0.1:<port>`: how a reason names its destination. */
  destination: string;
}

/**
 * Claims the broken team's identifiers with an agent on a port nothing listens on: picked once the
 * pipeline (and its emulators) have their ports, so nothing started later takes it.
 */
export async function applyBrokenTeam(description: LocalPipelineDescription): Promise<BrokenTeam> {
  const destination = `127.0.0.1:${await freePort()}`;
  const config: TeamConfig = {
    org_id: DEMO_TEAM.org_id,
    team_node_id: BROKEN.team,
    routing: { slack_channel_ids: [BROKEN.slackChannel], github_repos: [BROKEN.repo] },
    agent: { url: `http://${destination}/events` },
  };
  const client = createRoutingDocumentClient({
    region: description.region,
    endpoint: description.dynamodbEndpoint,
    credentials: { accessKeyId: "local", secretAccessKey: "local" },
  });
  await new RoutingTable({ tableName: description.routingTable, client }).applyTeam(config);
  return { config, destination };
}
