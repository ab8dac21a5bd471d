import type { SQSRecord } from "aws-lambda";
import type { AppliedRecord } from "../../shared/router/apply-decision";
import type { Decision, RoutedRecord } from "../../shared/router/routing-decision";

/**
 * A record the router decided and applied, as `recordRouterResult` receives it: one event routed
 * to the demo team, with the decision and status given; `outcome` and `extra` override the rest.
 */
export function appliedRecord(
  decision: Decision,
  status: AppliedRecord["status"],
  options: { outcome?: Partial<RoutedRecord["outcome"]>; extra?: Partial<AppliedRecord> } = {},
): AppliedRecord {
  return {
    routed: {
      record: { messageId: "m-1" } as SQSRecord,
      outcome: {
        event_id: "7e1d075e-6e2c-4ece-a139-bccba96c2a0c",
        message_id: "m-1",
        attempts: 1,
        provider: "github",
        event_type: "pull_request",
        received_at: new Date(Date.now() - 174).toISOString(),
        correlation_id: "JxKq0hB9FiAEMbQ=",
        body: "{}",
        ...options.outcome,
      },
      destination: {
        team: { org_id: "extend", team_node_id: "extend-sre", matched_by: "github_repo", identifier: "o/r" },
        agentUrl: "https://agent.example.com/events",
      },
      skipped: [],
      decision,
    },
    status,
    retry: status === "retrying",
    recorded: true,
    notified: [],
    problems: [],
    ...options.extra,
  };
}
