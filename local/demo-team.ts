import type { TeamConfig } from "../shared/routing/team-config";

/**
 * The team the local pipeline seeds so the first sample webhook routes somewhere: it claims the
 * identifiers of seed 000's examples, which the `npm run send` samples carry (local/samples/).
 */
export const DEMO_TEAM: TeamConfig = {
  org_id: "extend",
  team_node_id: "extend-sre",
  routing: {
    slack_channel_ids: ["C0A4967KRBM"],
    github_repos: ["incidentfox/mono-repo"],
    pagerduty_service_ids: ["PXXXXXX"],
    incidentio_alert_source_ids: ["01KEGMSPPCKFPYHT2ZSNQ7WY3J"],
    coralogix_team_names: ["otel-demo"],
    services: ["payment", "checkout"],
  },
};
