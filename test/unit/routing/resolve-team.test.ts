import { describe, expect, it } from "vitest";
import type { Claim, ClaimRef } from "../../../shared/routing/claims";
import type { RoutingIdentifiers } from "../../../shared/routing/identifiers";
import {
  CachedTeamResolver,
  DEFAULT_ROUTING_CACHE_SECONDS,
  pickTeam,
  rankCandidates,
  routingCacheSecondsFromEnv,
} from "../../../shared/routing/resolve-team";
import type { ClaimReader } from "../../../shared/routing/routing-table";

const claim = (
  kind: Claim["kind"],
  value: string,
  team: string,
  agentUrl?: string,
  extra: Partial<Claim> = {},
): Claim => ({
  kind,
  value,
  org_id: "acme",
  team_node_id: team,
  ...(agentUrl ? { agent: { url: agentUrl } } : {}),
  updated_at: "2025-01-01T00:00:00.000Z",
  ...extra,
});

describe("pickTeam", () => {
  const claims = [
    claim("service", "payment", "payments"),
    claim("slack_channel_id", "C0A4967KRBM", "sre"),
    claim("github_repo", "incidentfox/mono-repo", "platform"),
    claim("pagerduty_service_id", "PXXXXXX", "oncall", "https://oncall-agent.example.com/run"),
    claim("incidentio_alert_source_id", "01KEGMSPPCKFPYHT2ZSNQ7WY3J", "alerts"),
    claim("coralogix_team_name", "otel-demo", "observability"),
    claim("incidentio_team_id", "01HTEAM", "incident-team"),
  ];

  it("picks the highest-priority claimed identifier, whatever the order of the claims", () => {
    const ids: RoutingIdentifiers = {
      service: "payment",
      slack_channel_id: "C0A4967KRBM",
      github_repo: "incidentfox/mono-repo",
      pagerduty_service_id: "PXXXXXX",
    };
    expect(pickTeam(ids, claims)).toEqual({
      org_id: "acme",
      team_node_id: "oncall",
      matched_by: "pagerduty_service_id",
      identifier: "PXXXXXX",
      agent: { url: "https://oncall-agent.example.com/run" },
    });
    expect(pickTeam(ids, [...claims].reverse())?.team_node_id).toBe("oncall");
  });

  it("walks the whole order: each kind beats every kind after it", () => {
    const all: RoutingIdentifiers = {
      incidentio_team_id: "01HTEAM",
      pagerduty_service_id: "PXXXXXX",
      slack_channel_id: "C0A4967KRBM",
      github_repo: "incidentfox/mono-repo",
      coralogix_team_name: "otel-demo",
      incidentio_alert_source_id: "01KEGMSPPCKFPYHT2ZSNQ7WY3J",
      service: "payment",
    };
    const expected = ["incident-team", "oncall", "sre", "platform", "observability", "alerts", "payments"];
    const remaining = { ...all };
    for (const team of expected) {
      const match = pickTeam(remaining, claims);
      expect(match?.team_node_id).toBe(team);
      delete remaining[match!.matched_by];
    }
    expect(pickTeam(remaining, claims)).toBeUndefined();
  });

  it("skips unclaimed higher-priority identifiers", () => {
    expect(
      pickTeam(
        { incidentio_team_id: "01HUNKNOWN", slack_channel_id: "C_UNKNOWN", service: "payment" },
        claims,
      ),
    ).toMatchObject({ team_node_id: "payments", matched_by: "service", identifier: "payment" });
  });

  it("no identifiers, or none claimed: undefined", () => {
    expect(pickTeam({}, claims)).toBeUndefined();
    expect(pickTeam({ slack_channel_id: "C_UNKNOWN" }, claims)).toBeUndefined();
    expect(pickTeam({ slack_channel_id: "C0A4967KRBM" }, [])).toBeUndefined();
  });

  it("matches GitHub repositories case-insensitively and reports the event's spelling", () => {
    expect(pickTeam({ github_repo: "IncidentFox/Mono-Repo" }, claims)).toMatchObject({
      team_node_id: "platform",
      identifier: "IncidentFox/Mono-Repo",
    });
    expect(pickTeam({ slack_channel_id: "c0a4967krbm" }, claims)).toBeUndefined();
  });

  it("rankCandidates lists every identifier with its priority and claim", () => {
    const ranked = rankCandidates(
      { service: "payment", slack_channel_id: "C_NONE", pagerduty_service_id: "PXXXXXX" },
      claims,
    );
    expect(ranked.map((c) => [c.priority, c.kind, c.claim?.team_node_id])).toEqual([
      [2, "pagerduty_service_id", "oncall"],
      [3, "slack_channel_id", undefined],
      [7, "service", "payments"],
    ]);
  });
});

class CountingReader implements ClaimReader {
  calls: ClaimRef[][] = [];
  constructor(public claims: Claim[]) {}
  async getClaims(refs: readonly ClaimRef[]): Promise<Claim[]> {
    this.calls.push([...refs]);
    return this.claims.filter((c) => refs.some((r) => r.kind === c.kind && r.value === c.value));
  }
}

describe("CachedTeamResolver", () => {
  const claims = [claim("slack_channel_id", "C1", "sre"), claim("github_repo", "o/r", "platform")];

  it("resolves a whole batch with one read of the distinct identifiers", async () => {
    const reader = new CountingReader(claims);
    const resolver = new CachedTeamResolver({ reader, ttlSeconds: 30 });
    const matches = await resolver.resolveTeams([
      { slack_channel_id: "C1" },
      { slack_channel_id: "C1", github_repo: "o/r" },
      { github_repo: "O/R" },
      { slack_channel_id: "C_UNKNOWN" },
      {},
    ]);
    expect(matches.map((m) => m?.team_node_id)).toEqual(["sre", "sre", "platform", undefined, undefined]);
    expect(reader.calls).toHaveLength(1);
    expect(reader.calls[0]).toEqual([
      { kind: "slack_channel_id", value: "C1" },
      { kind: "github_repo", value: "o/r" },
      { kind: "slack_channel_id", value: "C_UNKNOWN" },
    ]);
  });

  it("carries the winning team's agent and notify settings into the match", async () => {
    const reader = new CountingReader([
      claim("slack_channel_id", "C1", "sre", undefined, {
        agent: { token_secret: "agents/sre" },
        notify: { slack_channel: "CSRENOTICE" },
      }),
      claim("service", "payment", "payments", undefined, {
        agent: { url: "https://payments-agent.example.com/run", token_secret: "agents/payments" },
      }),
    ]);
    const resolver = new CachedTeamResolver({ reader, ttlSeconds: 30 });
    const [sre, payments] = await resolver.resolveTeams([{ slack_channel_id: "C1" }, { service: "payment" }]);
    expect(sre).toEqual({
      org_id: "acme",
      team_node_id: "sre",
      matched_by: "slack_channel_id",
      identifier: "C1",
      agent: { token_secret: "agents/sre" },
      notify: { slack_channel: "CSRENOTICE" },
    });
    expect(payments).toEqual({
      org_id: "acme",
      team_node_id: "payments",
      matched_by: "service",
      identifier: "payment",
      agent: { url: "https://payments-agent.example.com/run", token_secret: "agents/payments" },
    });
  });

  it("never reads nor caches an identifier too long to be a key; the rest of the batch resolves", async () => {
    const reader = new CountingReader(claims);
    const resolver = new CachedTeamResolver({ reader, ttlSeconds: 30, maxEntries: 10 });
    const huge = "o/".padEnd(3000, "r");
    const matches = await resolver.resolveTeams([
      { github_repo: huge },
      { github_repo: huge, slack_channel_id: "C1" },
      { slack_channel_id: " ", github_repo: "o/r" },
    ]);
    expect(matches.map((m) => m?.team_node_id)).toEqual([undefined, "sre", "platform"]);
    expect(reader.calls).toEqual([
      [
        { kind: "slack_channel_id", value: "C1" },
        { kind: "github_repo", value: "o/r" },
      ],
    ]);
    // A second look costs no read either, and still matches nothing.
    expect(await resolver.resolveTeam({ github_repo: huge })).toBeUndefined();
    expect(reader.calls).toHaveLength(1);
  });

  it("serves repeats from the cache, negative answers included, until the TTL passes", async () => {
    let now = 1_000_000;
    const reader = new CountingReader(claims);
    const resolver = new CachedTeamResolver({ reader, ttlSeconds: 30, now: () => now });
    await resolver.resolveTeams([{ slack_channel_id: "C1" }, { slack_channel_id: "C_UNKNOWN" }]);
    now += 29_000;
    expect(await resolver.resolveTeam({ slack_channel_id: "C1" })).toMatchObject({ team_node_id: "sre" });
    expect(await resolver.resolveTeam({ slack_channel_id: "C_UNKNOWN" })).toBeUndefined();
    expect(reader.calls).toHaveLength(1);

    // Only what is not cached is read.
    await resolver.resolveTeams([{ slack_channel_id: "C1", github_repo: "o/r" }]);
    expect(reader.calls).toHaveLength(2);
    expect(reader.calls[1]).toEqual([{ kind: "github_repo", value: "o/r" }]);

    // After the TTL, a claim appearing for the unknown channel is seen.
    reader.claims.push(claim("slack_channel_id", "C_UNKNOWN", "late"));
    now += 2_000;
    expect(await resolver.resolveTeam({ slack_channel_id: "C_UNKNOWN" })).toMatchObject({
      team_node_id: "late",
    });
    expect(reader.calls).toHaveLength(3);
  });

  it("a TTL of 0 turns caching off", async () => {
    const reader = new CountingReader(claims);
    const resolver = new CachedTeamResolver({ reader, ttlSeconds: 0 });
    await resolver.resolveTeam({ slack_channel_id: "C1" });
    await resolver.resolveTeam({ slack_channel_id: "C1" });
    expect(reader.calls).toHaveLength(2);
  });

  it("bounds the cache, evicting the oldest entries", async () => {
    const reader = new CountingReader(claims);
    const resolver = new CachedTeamResolver({ reader, ttlSeconds: 30, maxEntries: 2 });
    await resolver.resolveTeams([
      { slack_channel_id: "C1" },
      { slack_channel_id: "C2" },
      { slack_channel_id: "C3" },
    ]);
    await resolver.resolveTeam({ slack_channel_id: "C3" });
    expect(reader.calls).toHaveLength(1);
    await resolver.resolveTeam({ slack_channel_id: "C1" });
    expect(reader.calls).toHaveLength(2);
  });

  it("does not cache a failed read", async () => {
    let fail = true;
    const reader: ClaimReader = {
      getClaims: async () => {
        if (fail) throw new Error("DynamoDB down");
        return claims;
      },
    };
    const resolver = new CachedTeamResolver({ reader, ttlSeconds: 30 });
    await expect(resolver.resolveTeam({ slack_channel_id: "C1" })).rejects.toThrow("DynamoDB down");
    fail = false;
    expect(await resolver.resolveTeam({ slack_channel_id: "C1" })).toMatchObject({ team_node_id: "sre" });
  });

  it("ROUTING_CACHE_SECONDS: default 30, validated", () => {
    expect(routingCacheSecondsFromEnv({})).toBe(DEFAULT_ROUTING_CACHE_SECONDS);
    expect(routingCacheSecondsFromEnv({ ROUTING_CACHE_SECONDS: "5" })).toBe(5);
    expect(routingCacheSecondsFromEnv({ ROUTING_CACHE_SECONDS: "0" })).toBe(0);
    expect(() => routingCacheSecondsFromEnv({ ROUTING_CACHE_SECONDS: "soon" })).toThrow(
      /ROUTING_CACHE_SECONDS/,
    );
    expect(() => routingCacheSecondsFromEnv({ ROUTING_CACHE_SECONDS: "-1" })).toThrow(/≥ 0/);
  });
});
