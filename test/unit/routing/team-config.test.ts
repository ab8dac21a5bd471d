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

  const withAgent = (agent: unknown) => ({ org_id: "a", team_node_id: "b", routing: {}, agent });

  it("checks agent.url with the agent URL rule: strict by default, local http only when allowed", () => {
    expect(parseTeamConfig(withAgent({ url: " https://agent.example.com/x " })).agent).toEqual({
      url: "https://agent.example.com/x",
    });
    expect(issuesOf(withAgent({ url: "http://127.0.0.1:9000/x" }))).toEqual([
      expect.stringMatching(
        /^agent\.url: the agent URL points at 127\.0\.0\.1, a loopback address .*allowed only in the local pipeline/,
      ),
    ]);
    const local = { allowLocalHttp: true };
    expect(parseTeamConfig(withAgent({ url: "http://127.0.0.1:9000/x" }), local).agent).toEqual({
      url: "http://127.0.0.1:9000/x",
    });
    expect(parseTeamConfig(withAgent({ url: "http://localhost:9000/x" }), local).agent?.url).toBe(
      "http://localhost:9000/x",
    );
  });

  it.each([
    ["http://agent.example.com", /uses plain http:\/\/ but agents are called over https:\/\/ only/],
    ["https://ops:pw@agent.example.com", /carries a user name or password/],
    ["https://10.0.0.8/invoke", /points at 10\.0\.0\.8, a private address \(10\.0\.0\.0\/8\)/],
    ["https://169.254.169.254/", /the cloud metadata address/],
    ["https://0x7f.2/", /points at 127\.0\.0\.2, a loopback address/],
    ["not a url", /is not a valid absolute URL/],
  ])("refuses agent.url %s, naming the field and the rule, even with allowLocalHttp", (url, rule) => {
    for (const options of [{ allowLocalHttp: false }, { allowLocalHttp: true }]) {
      const issues = (() => {
        try {
          parseTeamConfig(withAgent({ url }), options);
        } catch (error) {
          if (error instanceof TeamConfigError) return error.issues;
        }
        return [];
      })();
      expect(issues).toHaveLength(1);
      expect(issues[0]).toMatch(/^agent\.url: /);
      expect(issues[0]).toMatch(rule);
      expect(issues[0]).not.toContain("pw@");
    }
  });

  it("takes agent.token_secret, a secret name or ARN; agent.url may then be left out", () => {
    expect(parseTeamConfig(withAgent({ token_secret: " agents/extend-sre " })).agent).toEqual({
      token_secret: "agents/extend-sre",
    });
    const arn = "arn:aws:secretsmanager:eu-west-1:123456789012:secret:agents/extend-sre-AbCdEf";
    expect(
      parseTeamConfig(withAgent({ url: "https://agent.example.com/x", token_secret: arn })).agent,
    ).toEqual({
      url: "https://agent.example.com/x",
      token_secret: arn,
    });
    expect(parseTeamConfig(withAgent({ token_secret: "EXTEND_SRE_AGENT_TOKEN" })).agent?.token_secret).toBe(
      "EXTEND_SRE_AGENT_TOKEN",
    );
    expect(parseTeamConfig(withAgent({ token_secret: "x".repeat(512) })).agent?.token_secret).toHaveLength(
      512,
    );
  });

  it.each([["has spaces"], [""], ["agents/extend sre"], ["token#1"], ["x".repeat(513)], ['quote"']])(
    "refuses agent.token_secret %j with what a secret name may hold",
    (token_secret) => {
      expect(issuesOf(withAgent({ token_secret }))).toEqual([
        "agent.token_secret: must be the name or ARN of the secret holding the team's token (locally: an " +
          "environment variable name): 1 to 512 letters, digits or / _ + = . @ : -",
      ]);
    },
  );

  it("refuses an agent with neither url nor token_secret, and fields of the wrong type", () => {
    expect(issuesOf(withAgent({}))).toEqual([
      "agent: needs url, token_secret or both (leave agent out to use the default agent, AGENT_URL)",
    ]);
    expect(issuesOf(withAgent({ url: 42, token_secret: ["x"] }))).toEqual([
      "agent.url: must be a string",
      "agent.token_secret: must be a string",
    ]);
  });

  it("takes notify.slack_channel, a Slack channel ID", () => {
    const config = parseTeamConfig({
      org_id: "a",
      team_node_id: "b",
      routing: {},
      notify: { slack_channel: " C0A4967KRBM " },
    });
    expect(config.notify).toEqual({ slack_channel: "C0A4967KRBM" });
    for (const slack_channel of ["G012AB3CD", "D0ABC"]) {
      expect(
        parseTeamConfig({ org_id: "a", team_node_id: "b", routing: {}, notify: { slack_channel } }).notify,
      ).toEqual({ slack_channel });
    }
  });

  it.each([["#incidents"], ["c0a4967krbm"], ["U0A4967KR"], ["C1"], [""], [`C${"A".repeat(40)}`]])(
    "refuses notify.slack_channel %j",
    (slack_channel) => {
      expect(issuesOf({ org_id: "a", team_node_id: "b", routing: {}, notify: { slack_channel } })).toEqual([
        "notify.slack_channel: must be a Slack channel ID like C0A4967KRBM (the ID, not the #channel-name)",
      ]);
    },
  );

  it("names unknown fields of agent and notify", () => {
    expect(
      issuesOf({ org_id: "a", team_node_id: "b", routing: {}, notify: { channel: "C0A4967KRBM" } }),
    ).toEqual(['notify: unknown field "channel": expected slack_channel']);
    expect(issuesOf({ org_id: "a", team_node_id: "b", routing: {}, notify: "C0A4967KRBM" })).toEqual([
      'notify: must be an object like {"slack_channel": "C0A4967KRBM"}',
    ]);
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
      'a team config must be a JSON object {"org_id", "team_node_id", "routing", "agent"?, "notify"?}',
    ]);
    expect(issuesOf({ org_id: "a", team_node_id: "b" })).toEqual(["routing: is required"]);
    expect(issuesOf({ org_id: "a", team_node_id: "b", routing: [] })).toEqual([
      "routing: must be an object of identifier lists (seed 000's team routing config)",
    ]);
    expect(issuesOf({ org_id: "a", team_node_id: "b", routing: {}, agent: { uri: "x" } })).toEqual([
      'agent: unknown field "uri": expected url, token_secret',
      "agent: needs url, token_secret or both (leave agent out to use the default agent, AGENT_URL)",
    ]);
  });

  it(`refuses more than ${MAX_CLAIMS_PER_TEAM} identifiers (one transaction)`, () => {
    const services = Array.from({ length: MAX_CLAIMS_PER_TEAM + 1 }, (_, i) => `svc-${i}`);
    expect(issuesOf({ org_id: "a", team_node_id: "b", routing: { services } })).toEqual([
      `routing: claims 100 identifiers; one team may claim at most ${MAX_CLAIMS_PER_TEAM} (one atomic write holds 100 items)`,
    ]);
  });
});
