import type { TeamConfig } from "../shared/routing/team-config";

/**
 * The team the local pipeline seeds so the first sample webhook routes somewhere. `npm run send`
 * samples carry these identifiers; `--unrouted` samples carry none of them.
 */
export const DEMO_TEAM: TeamConfig = {
  org_id: "demo",
  team_node_id: "demo-sre",
  routing: {
    slack_channel_ids: ["C0DEMO0001"],
    github_repos: ["demo-org/checkout-service"],
    pagerduty_service_ids: ["PDEMO01"],
    incidentio_alert_source_ids: ["01DEMOALERTSOURCE0000000001"],
    coralogix_team_names: ["demo-observability"],
    services: ["checkout"],
  },
};
