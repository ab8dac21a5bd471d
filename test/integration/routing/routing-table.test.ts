import { BatchGetCommand } from "@aws-sdk/lib-dynamodb";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { claimPk, unusableLookupKey } from "../../../shared/routing/claims";
import { CachedTeamResolver } from "../../../shared/routing/resolve-team";
import { ClaimConflictError } from "../../../shared/routing/routing-errors";
import type { TeamConfig } from "../../../shared/routing/team-config";
import { createTestRoutingTable, expectConsistent, type TestRoutingTable } from "./routing-table-fixture";

let fx: TestRoutingTable;

beforeAll(async () => {
  fx = await createTestRoutingTable("table");
});
afterAll(async () => {
  await fx?.drop();
});

const team = (
  team_node_id: string,
  routing: TeamConfig["routing"],
  extra: Partial<TeamConfig> = {},
): TeamConfig => ({
  org_id: "acme",
  team_node_id,
  routing,
  ...extra,
});

describe("RoutingTable against DynamoDB Local", () => {
  it("applies a team: team item, one claim per identifier, listed and readable", async () => {
    const table = fx.table();
    const result = await table.applyTeam(
      team(
        "sre",
        {
          slack_channel_ids: ["C0A4967KRBM"],
          github_repos: ["IncidentFox/Mono-Repo"],
          services: ["payment"],
        },
        { agent: { url: "https://sre-agent.example.com/run" } },
      ),
    );
    expect(result.created).toBe(true);
    expect(result.added.map((c) => c.value)).toEqual(["C0A4967KRBM", "incidentfox/mono-repo", "payment"]);

    const stored = await table.getTeam("acme", "sre");
    expect(stored).toMatchObject({
      org_id: "acme",
      team_node_id: "sre",
      version: 1,
      agent: { url: "https://sre-agent.example.com/run" },
    });
    expect(stored?.routing.github_repos).toEqual(["IncidentFox/Mono-Repo"]);
    expect((await table.listTeams()).map((t) => t.team_node_id)).toContain("sre");

    const claims = await table.getClaims([
      { kind: "slack_channel_id", value: "C0A4967KRBM" },
      { kind: "github_repo", value: "incidentfox/mono-repo" },
      { kind: "service", value: "unknown" },
    ]);
    expect(claims).toHaveLength(2);
    expect(claims.every((c) => c.org_id === "acme" && c.team_node_id === "sre")).toBe(true);
    expect(claims[0]?.agent).toEqual({ url: "https://sre-agent.example.com/run" });
    await expectConsistent(fx);
  });

  it("re-applying the same config is idempotent", async () => {
    const table = fx.table();
    const config = team("idem", { pagerduty_service_ids: ["PIDEM01"], services: ["idem-svc"] });
    await table.applyTeam(config);
    const before = (await fx.items()).filter((i) => i.team_node_id === "idem").length;
    const again = await table.applyTeam(config);
    expect(again.created).toBe(false);
    expect(again.added).toEqual([]);
    expect(again.removed).toEqual([]);
    expect(again.kept).toHaveLength(2);
    expect(again.team.version).toBe(2);
    expect((await fx.items()).filter((i) => i.team_node_id === "idem")).toHaveLength(before);
    await expectConsistent(fx);
  });

  it("deletes the claims a team dropped and updates the agent override on kept claims", async () => {
    const table = fx.table();
    await table.applyTeam(team("drop", { slack_channel_ids: ["CDROP1", "CDROP2"], services: ["drop-svc"] }));
    const result = await table.applyTeam(
      team(
        "drop",
        { slack_channel_ids: ["CDROP2", "CDROP3"] },
        { agent: { url: "https://drop.example.com" } },
      ),
    );
    expect(result.added).toEqual([{ kind: "slack_channel_id", value: "CDROP3" }]);
    expect(result.kept).toEqual([{ kind: "slack_channel_id", value: "CDROP2" }]);
    expect(result.removed).toEqual([
      { kind: "slack_channel_id", value: "CDROP1" },
      { kind: "service", value: "drop-svc" },
    ]);
    const claims = await table.getClaims([
      { kind: "slack_channel_id", value: "CDROP1" },
      { kind: "slack_channel_id", value: "CDROP2" },
      { kind: "slack_channel_id", value: "CDROP3" },
      { kind: "service", value: "drop-svc" },
    ]);
    expect(claims.map((c) => c.value).sort()).toEqual(["CDROP2", "CDROP3"]);
    expect(claims.every((c) => c.agent?.url === "https://drop.example.com")).toBe(true);
    // A dropped identifier is free for another team.
    await table.applyTeam(team("drop-heir", { services: ["drop-svc"] }));
    await expectConsistent(fx);
  });

  it("refuses an identifier another team holds, naming it and its owner, and writes nothing", async () => {
    const table = fx.table();
    await table.applyTeam(team("owner", { github_repos: ["acme/owned"] }));
    const error = await table
      .applyTeam(team("intruder", { github_repos: ["ACME/Owned"], services: ["intruder-svc"] }))
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ClaimConflictError);
    expect((error as Error).message).toContain("github_repo acme/owned is already claimed by acme/owner");
    expect((error as ClaimConflictError).conflicts).toEqual([
      { kind: "github_repo", value: "acme/owned", owner: { org_id: "acme", team_node_id: "owner" } },
    ]);
    expect(await table.getTeam("acme", "intruder")).toBeUndefined();
    expect(await table.getClaims([{ kind: "service", value: "intruder-svc" }])).toEqual([]);
    await expectConsistent(fx);
  });

  it("claims stay unique under concurrent applies of two teams claiming the same identifier", async () => {
    for (let round = 0; round < 6; round++) {
      const table = fx.table();
      const shared = `CRACE${round}`;
      // Half the rounds race new teams, half race teams that already exist.
      if (round % 2 === 1) {
        await table.applyTeam(team(`red-${round}`, { services: [`red-${round}-svc`] }));
        await table.applyTeam(team(`blue-${round}`, { services: [`blue-${round}-svc`] }));
      }
      // Two separate adapters, as two operators would run them.
      const red = team(`red-${round}`, {
        slack_channel_ids: [shared],
        services: [`red-${round}-svc`, `red-${round}-new`],
      });
      const blue = team(`blue-${round}`, {
        slack_channel_ids: [shared],
        services: [`blue-${round}-svc`, `blue-${round}-new`],
      });
      const other = fx.table();
      const results = await Promise.allSettled([table.applyTeam(red), other.applyTeam(blue)]);
      const won = results.flatMap((r, i) => (r.status === "fulfilled" ? [i === 0 ? "red" : "blue"] : []));
      const lost = results.flatMap((r) => (r.status === "rejected" ? [r.reason as unknown] : []));
      expect(won, `round ${round}`).toHaveLength(1);
      expect(lost[0]).toBeInstanceOf(ClaimConflictError);
      const winner = `${won[0]}-${round}`;
      expect((lost[0] as Error).message).toContain(
        `slack_channel_id ${shared} is already claimed by acme/${winner}`,
      );

      const owners = await expectConsistent(fx);
      expect(owners.get(`CLAIM#slack_channel_id#${shared}`)).toBe(`acme/${winner}`);
      const loser = won[0] === "red" ? `blue-${round}` : `red-${round}`;
      // The loser's apply wrote nothing: not its new claim, and (for an existing team) no change.
      expect(owners.has(`CLAIM#service#${loser}-new`)).toBe(false);
      expect(owners.get(`CLAIM#service#${winner}-new`)).toBe(`acme/${winner}`);
      const loserTeam = await table.getTeam("acme", loser);
      if (round % 2 === 1) expect(loserTeam?.version).toBe(1);
      else expect(loserTeam).toBeUndefined();
    }
  });

  it("concurrent applies of the same team converge to one of the configs", async () => {
    const table = fx.table();
    await Promise.all([
      table.applyTeam(team("same", { services: ["same-a"] })),
      fx.table().applyTeam(team("same", { services: ["same-b"] })),
      fx.table().applyTeam(team("same", { services: ["same-c"] })),
    ]);
    const stored = await table.getTeam("acme", "same");
    expect(stored?.version).toBe(3);
    const owners = await expectConsistent(fx);
    const held = ["same-a", "same-b", "same-c"].filter((s) => owners.has(`CLAIM#service#${s}`));
    expect(held).toEqual(stored?.routing.services);
  });

  it("removes a team and releases its identifiers", async () => {
    const table = fx.table();
    await table.applyTeam(team("gone", { slack_channel_ids: ["CGONE1"], services: ["gone-svc"] }));
    const removed = await table.removeTeam("acme", "gone");
    expect(removed?.removed).toEqual([
      { kind: "slack_channel_id", value: "CGONE1" },
      { kind: "service", value: "gone-svc" },
    ]);
    expect(await table.getTeam("acme", "gone")).toBeUndefined();
    expect(await table.getClaims([{ kind: "slack_channel_id", value: "CGONE1" }])).toEqual([]);
    expect(await table.removeTeam("acme", "gone")).toBeUndefined();
    expect((await table.listTeams()).some((t) => t.team_node_id === "gone")).toBe(false);
    await table.applyTeam(team("successor", { slack_channel_ids: ["CGONE1"] }));
    await expectConsistent(fx);
  });

  it("lists teams from the sparse index only, ordered", async () => {
    const teams = await fx.table().listTeams();
    const names = teams.map((t) => `${t.org_id}/${t.team_node_id}`);
    expect(names).toEqual(
      [...names].sort((a, b) => (`TEAM#${a.replace("/", "#")}` < `TEAM#${b.replace("/", "#")}` ? -1 : 1)),
    );
    expect(teams.every((t) => typeof t.version === "number" && Array.isArray(t.claims))).toBe(true);
    expect(teams.length).toBe((await fx.items()).filter((i) => String(i.pk).startsWith("TEAM#")).length);
  });
});

describe("team resolution against DynamoDB Local", () => {
  let resolverFx: TestRoutingTable;
  beforeAll(async () => {
    resolverFx = await createTestRoutingTable("resolve");
    const table = resolverFx.table();
    await table.applyTeam({
      org_id: "acme",
      team_node_id: "incident",
      routing: { incidentio_team_ids: ["01HTEAM"] },
    });
    await table.applyTeam({
      org_id: "acme",
      team_node_id: "oncall",
      routing: { pagerduty_service_ids: ["PCHECK1"] },
      agent: { url: "https://oncall.example.com/agent" },
    });
    await table.applyTeam({ org_id: "acme", team_node_id: "sre", routing: { slack_channel_ids: ["CSRE"] } });
    await table.applyTeam({
      org_id: "acme",
      team_node_id: "platform",
      routing: { github_repos: ["acme/api"] },
    });
    await table.applyTeam({ org_id: "beta", team_node_id: "payments", routing: { services: ["checkout"] } });
    await table.applyTeam({
      org_id: "beta",
      team_node_id: "billing",
      routing: { services: ["invoices"] },
      agent: { token_secret: "agents/billing" },
      notify: { slack_channel: "CBILLING" },
    });
  });
  afterAll(async () => {
    await resolverFx?.drop();
  });

  it("picks by priority among several matching teams, per event, in one BatchGetItem", async () => {
    const resolver = new CachedTeamResolver({ reader: resolverFx.table(), ttlSeconds: 30 });
    resolverFx.sent.length = 0;
    const matches = await resolver.resolveTeams([
      {
        service: "checkout",
        github_repo: "acme/api",
        slack_channel_id: "CSRE",
        pagerduty_service_id: "PCHECK1",
      },
      { service: "checkout", github_repo: "Acme/API", slack_channel_id: "CSRE" },
      {
        service: "checkout",
        github_repo: "acme/api",
        incidentio_team_id: "01HTEAM",
        pagerduty_service_id: "PCHECK1",
      },
      { service: "checkout", slack_channel_id: "CUNKNOWN" },
      { slack_channel_id: "CUNKNOWN" },
    ]);
    expect(matches).toEqual([
      {
        org_id: "acme",
        team_node_id: "oncall",
        matched_by: "pagerduty_service_id",
        identifier: "PCHECK1",
        agent: { url: "https://oncall.example.com/agent" },
      },
      { org_id: "acme", team_node_id: "sre", matched_by: "slack_channel_id", identifier: "CSRE" },
      { org_id: "acme", team_node_id: "incident", matched_by: "incidentio_team_id", identifier: "01HTEAM" },
      { org_id: "beta", team_node_id: "payments", matched_by: "service", identifier: "checkout" },
      undefined,
    ]);
    expect(resolverFx.sent).toEqual(["BatchGetCommand"]);
  });

  it("a second resolve of the same identifiers does no read (negative answers cached too)", async () => {
    let now = 5_000_000;
    const resolver = new CachedTeamResolver({ reader: resolverFx.table(), ttlSeconds: 10, now: () => now });
    const event = { slack_channel_id: "CSRE", github_repo: "acme/api", service: "nobody" };
    resolverFx.sent.length = 0;
    expect(await resolver.resolveTeam(event)).toMatchObject({ team_node_id: "sre" });
    expect(resolverFx.sent).toEqual(["BatchGetCommand"]);
    resolverFx.sent.length = 0;
    expect(await resolver.resolveTeam(event)).toMatchObject({ team_node_id: "sre" });
    expect(await resolver.resolveTeams([event, { service: "nobody" }])).toHaveLength(2);
    expect(resolverFx.sent).toEqual([]);
    now += 10_001;
    await resolver.resolveTeam(event);
    expect(resolverFx.sent).toEqual(["BatchGetCommand"]);
  });

  it("returns a team's token secret and notice channel with its match, as stored and listed", async () => {
    const resolver = new CachedTeamResolver({ reader: resolverFx.table(), ttlSeconds: 30 });
    expect(await resolver.resolveTeam({ service: "invoices" })).toEqual({
      org_id: "beta",
      team_node_id: "billing",
      matched_by: "service",
      identifier: "invoices",
      agent: { token_secret: "agents/billing" },
      notify: { slack_channel: "CBILLING" },
    });
    expect(await resolverFx.table().getTeam("beta", "billing")).toMatchObject({
      agent: { token_secret: "agents/billing" },
      notify: { slack_channel: "CBILLING" },
    });
  });

  it("a batch holding a 3000-byte identifier: it is skipped, the other records resolve", async () => {
    const huge = `acme/${"x".repeat(2995)}`;
    expect(unusableLookupKey("github_repo", huge)).toMatch(/^github_repo is 3000 bytes; a routing key holds/);
    // What the skip avoids: DynamoDB refuses the whole BatchGetItem over that one key.
    await expect(
      resolverFx.doc.send(
        new BatchGetCommand({
          RequestItems: {
            [resolverFx.tableName]: {
              Keys: [
                { pk: claimPk({ kind: "github_repo", value: huge }) },
                { pk: "CLAIM#slack_channel_id#CSRE" },
              ],
            },
          },
        }),
      ),
    ).rejects.toThrow(/2048/);

    const resolver = new CachedTeamResolver({ reader: resolverFx.table(), ttlSeconds: 30 });
    resolverFx.sent.length = 0;
    const matches = await resolver.resolveTeams([
      { github_repo: huge },
      { slack_channel_id: "CSRE" },
      { github_repo: huge, service: "checkout" },
    ]);
    expect(matches).toEqual([
      undefined,
      { org_id: "acme", team_node_id: "sre", matched_by: "slack_channel_id", identifier: "CSRE" },
      { org_id: "beta", team_node_id: "payments", matched_by: "service", identifier: "checkout" },
    ]);
    expect(resolverFx.sent).toEqual(["BatchGetCommand"]);
  });

  it("a batch with more than 100 distinct identifiers is read in chunks of 100 keys", async () => {
    const resolver = new CachedTeamResolver({ reader: resolverFx.table(), ttlSeconds: 30 });
    const batch = Array.from({ length: 150 }, (_, i) => ({
      slack_channel_id: i === 149 ? "CSRE" : `CNONE${i}`,
    }));
    resolverFx.sent.length = 0;
    const matches = await resolver.resolveTeams(batch);
    expect(matches.filter(Boolean)).toEqual([
      { org_id: "acme", team_node_id: "sre", matched_by: "slack_channel_id", identifier: "CSRE" },
    ]);
    expect(resolverFx.sent).toEqual(["BatchGetCommand", "BatchGetCommand"]);
  });
});
