import { describe, expect, it } from "vitest";
import {
  MAX_CLAIMS_PER_TEAM,
  parseTeamConfig,
  TeamConfigError,
  teamClaimRefs,
} from "../../../shared/routing/team-config";

const issuesOf = (input: unknown): string[] => {
  try {
    parseTeamConfig(input);
  } catch (error) {
    if (error instanceof TeamConfigError) return error.issues;
    throw error;
  }
  throw new Error("expected the config to be refused");
};

describe("parseTeamConfig", () => {
  it("accepts seed 000's routing shape with an agent override", () => {
    const config = parseTeamConfig({
      org_id: "extend",
      team_node_id: "extend-sre",
      routing: {
        slack_channel_ids: ["C0A4967KRBM"],
        github_repos: ["incidentfox/mono-repo"],
        pagerduty_service_ids: ["PXXXXXX"],
        incidentio_alert_source_ids: ["01KEGMSPPCKFPYHT2ZSNQ7WY3J"],
        incidentio_team_ids: ["01HTEAM"],
        coralogix_team_names: ["otel-demo"],
        services: ["payment", "checkout"],
      },
      agent: { url: "https://agent.example.com/invoke" },
    });
    expect(teamClaimRefs(config)).toEqual([
      { kind: "incidentio_team_id", value: "01HTEAM" },
      { kind: "pagerduty_service_id", value: "PXXXXXX" },
      { kind: "slack_channel_id", value: "C0A4967KRBM" },
      { kind: "github_repo", value: "incidentfox/mono-repo" },
      { kind: "coralogix_team_name", value: "otel-demo" },
      { kind: "incidentio_alert_source_id", value: "01KEGMSPPCKFPYHT2ZSNQ7WY3J" },
      { kind: "service", value: "payment" },
      { kind: "service", value: "checkout" },
    ]);
  });

  it("trims, lowercases GitHub repositories and drops duplicates", () => {
    const config = parseTeamConfig({
      org_id: " acme ",
      team_node_id: "sre",
      routing: { github_repos: ["Acme/API", "acme/api"], services: ["payment", " payment "] },
    });
    expect(config.org_id).toBe("acme");
    expect(teamClaimRefs(config)).toEqual([
      { kind: "github_repo", value: "acme/api" },
      { kind: "service", value: "payment" },
    ]);
  });

  it("allows http agent URLs only for localhost", () => {
    expect(
      parseTeamConfig({
        org_id: "a",
        team_node_id: "b",
        routing: {},
        agent: { url: "http://127.0.0.1:9000/x" },
      }).agent,
    ).toEqual({
      url: "http://127.0.0.1:9000/x",
    });
    expect(
      issuesOf({ org_id: "a", team_node_id: "b", routing: {}, agent: { url: "http://agent.example.com" } }),
    ).toEqual(["agent.url: must be an https:// URL (http:// only for localhost)"]);
    expect(
      issuesOf({ org_id: "a", team_node_id: "b", routing: {}, agent: { url: "not a url" } }),
    ).toHaveLength(1);
  });

  it("reports every problem with its field path", () => {
    const issues = issuesOf({
      org_id: "acme/corp",
      routing: {
        slack_channel_ids: ["#incidents"],
        github_repos: ["mono-repo"],
        pagerduty_service_ids: "PXXXXXX",
        slack_channels: ["C1"],
      },
    });
    expect(issues).toEqual([
      "org_id: may hold only letters, digits and . _ : @ - (no spaces, / or #)",
      "team_node_id: is required",
      "routing.slack_channel_ids[0]: must be a Slack channel ID like C0A4967KRBM (the ID, not the #channel-name)",
      "routing.github_repos[0]: must be a repository's full name, owner/repo",
      'routing.pagerduty_service_ids: must be a list of strings like ["PXXXXXX"]',
      expect.stringMatching(/^routing: unknown field "slack_channels": expected incidentio_team_ids, /),
    ]);
  });

  it("refuses a non-object and a missing routing", () => {
    expect(issuesOf([])).toEqual([
      'a team config must be a JSON object {"org_id", "team_node_id", "routing", "agent"?}',
    ]);
    expect(issuesOf({ org_id: "a", team_node_id: "b" })).toEqual(["routing: is required"]);
    expect(issuesOf({ org_id: "a", team_node_id: "b", routing: [] })).toEqual([
      "routing: must be an object of identifier lists (seed 000's team routing config)",
    ]);
    expect(issuesOf({ org_id: "a", team_node_id: "b", routing: {}, agent: { uri: "x" } })).toEqual([
      "agent.url: is required",
      'agent: unknown field "uri": expected url',
    ]);
  });

  it(`refuses more than ${MAX_CLAIMS_PER_TEAM} identifiers (one transaction)`, () => {
    const services = Array.from({ length: MAX_CLAIMS_PER_TEAM + 1 }, (_, i) => `svc-${i}`);
    expect(issuesOf({ org_id: "a", team_node_id: "b", routing: { services } })).toEqual([
      `routing: claims 100 identifiers; one team may claim at most ${MAX_CLAIMS_PER_TEAM} (one atomic write holds 100 items)`,
    ]);
  });
});
