import type { EventFilters } from "../../shared/filters/event-filters";

/** The seeds' filters: seed 003's `ai:run` label, seed 000's Slack and PagerDuty subscriptions (README). */
export const SEED_EVENT_FILTERS = {
  github: [{ event: "issues", action: "labeled", label: "ai:run" }, { event: "pull_request" }],
  slack: [{ event: "app_mention" }, { event: "message" }],
  pagerduty: [{ event: "incident.triggered" }, { event: "incident.acknowledged" }],
} satisfies EventFilters;
