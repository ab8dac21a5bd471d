/**
 * Routing identifier kinds, highest priority first (seed 000's lookup priority order): when an
 * event matches several teams' claims, the claim on the earliest kind wins.
 */
export const IDENTIFIER_PRIORITY = [
  "incidentio_team_id",
  "pagerduty_service_id",
  "slack_channel_id",
  "github_repo",
  "coralogix_team_name",
  "incidentio_alert_source_id",
  "service",
] as const;

export type IdentifierKind = (typeof IDENTIFIER_PRIORITY)[number];

/** The identifiers found in one event: at most one value per kind. */
export type RoutingIdentifiers = Partial<Record<IdentifierKind, string>>;

/** Builds a RoutingIdentifiers from candidate values, keeping the first non-empty string per kind. */
export function collectIdentifiers(
  candidates: Partial<Record<IdentifierKind, unknown[]>>,
): RoutingIdentifiers {
  const out: RoutingIdentifiers = {};
  for (const kind of IDENTIFIER_PRIORITY) {
    const value = candidates[kind]?.find((v): v is string => typeof v === "string" && v.trim() !== "");
    if (value !== undefined) out[kind] = value.trim();
  }
  return out;
}
