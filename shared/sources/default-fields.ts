import { parseJsonPath } from "./json-path";
import type { FieldDefaults } from "./source-config";
import type { ValueLocation } from "./value-location";

const body = (path: string): ValueLocation => ({ path: parseJsonPath(path)! });
const header = (name: string): ValueLocation => ({ header: name });

/**
 * Where a generic source's event fields are when its configuration names none (and for every
 * source GENERIC_WEBHOOK_SOURCES does not list): the conventional top-level names, so a sender
 * following them needs no configuration at all.
 */
export const DEFAULT_FIELDS: FieldDefaults = {
  eventType: [body("event_type"), body("type")],
  deliveryKey: [header("x-webhook-id"), header("idempotency-key"), body("event_id"), body("id")],
  identifiers: {
    service: [body("service")],
    coralogix_team_name: [body("coralogix_team_name"), body("team_name")],
    incidentio_team_id: [body("incidentio_team_id")],
    pagerduty_service_id: [body("pagerduty_service_id")],
    slack_channel_id: [body("slack_channel_id")],
    github_repo: [body("github_repo")],
  },
};
