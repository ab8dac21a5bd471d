import { execFile } from "node:child_process";
import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { captureIO } from "../../../cli/lib/io";
import { main } from "../../../cli/main";
import {
  createTestRoutingTable,
  expectConsistent,
  type TestRoutingTable,
} from "../routing/routing-table-fixture";

const run = promisify(execFile);
const ROOT = resolve(import.meta.dirname, "../../..");

let fx: TestRoutingTable;
let dir: string;

beforeAll(async () => {
  fx = await createTestRoutingTable("cli");
  dir = await mkdtemp(join(tmpdir(), "routes-cli-"));
  const write = (name: string, value: unknown) =>
    writeFile(join(dir, name), typeof value === "string" ? value : JSON.stringify(value, null, 2));
  await write("sre.json", {
    org_id: "extend",
    team_node_id: "extend-sre",
    routing: {
      slack_channel_ids: ["C0A4967KRBM"],
      github_repos: ["incidentfox/mono-repo"],
      services: ["payment"],
    },
  });
  await write("sre-v2.json", {
    org_id: "extend",
    team_node_id: "extend-sre",
    routing: { slack_channel_ids: ["C0A4967KRBM"], pagerduty_service_ids: ["PXXXXXX"] },
    agent: { url: "https://sre-agent.example.com/invoke" },
  });
  await write("oncall.json", {
    org_id: "extend",
    team_node_id: "oncall",
    routing: { incidentio_team_ids: ["01HONCALL"], services: ["checkout"] },
  });
  await write("thief.json", {
    org_id: "other",
    team_node_id: "thieves",
    routing: { slack_channel_ids: ["C0A4967KRBM"], services: ["loot"] },
  });
  await write("invalid.json", {
    org_id: "extend",
    routing: { slack_channel_ids: ["#incidents"], github_repos: ["mono-repo"], slack_channels: [] },
    agent: { url: "http://agent.example.com" },
  });
  await write("broken.json", '{"org_id": "extend", ');
  await write("slack-event.json", {
    type: "event_callback",
    event_id: "Ev1",
    event: { type: "app_mention", channel: "C0A4967KRBM", text: "<@U1> help", user: "U2", ts: "1.2" },
  });
  await mkdir(join(dir, "with-local", ".local"), { recursive: true });
  await mkdir(join(dir, "with-local", "nested"), { recursive: true });
  await write(join("with-local", ".local", "pipeline.json"), {
    dynamodbEndpoint: fx.endpoint,
    routingTable: fx.tableName,
    queueUrl: "http://127.0.0.1:1/q",
  });
  await mkdir(join(dir, "without-local"));
});

afterAll(async () => {
  await fx?.drop();
  if (dir) await rm(dir, { recursive: true, force: true });
});

/** Runs the CLI in-process against the suite's table, as `webhook-pipeline routes …`. */
async function routes(
  args: string[],
  options: { cwd?: string; target?: boolean; env?: NodeJS.ProcessEnv } = {},
) {
  const target =
    options.target === false ? [] : ["--routing-table", fx.tableName, "--dynamodb-endpoint", fx.endpoint];
  const capture = captureIO({ cwd: options.cwd ?? dir, env: options.env ?? {} });
  const code = await main(["routes", ...args, ...target], capture.io);
  return { code, stdout: capture.stdout(), stderr: capture.stderr() };
}

const noStack = (text: string) => expect(text).not.toMatch(/\n\s+at /);

describe("routes CLI against DynamoDB Local", () => {
  it("apply creates a team, and re-applying is idempotent", async () => {
    const first = await routes(["apply", "sre.json"]);
    expect(first).toMatchObject({ code: 0, stderr: "" });
    expect(first.stdout).toContain("applied extend/extend-sre (created, version 1)");
    expect(first.stdout).toContain(
      "added:   slack_channel_id C0A4967KRBM, github_repo incidentfox/mono-repo, service payment",
    );

    const again = await routes(["apply", "sre.json", "--json"]);
    expect(again.code).toBe(0);
    expect(JSON.parse(again.stdout)).toMatchObject({
      org_id: "extend",
      team_node_id: "extend-sre",
      created: false,
      version: 2,
      added: [],
      removed: [],
      kept: [
        { kind: "slack_channel_id", value: "C0A4967KRBM" },
        { kind: "github_repo", value: "incidentfox/mono-repo" },
        { kind: "service", value: "payment" },
      ],
    });
  });

  it("apply of a changed config removes the dropped claims", async () => {
    const result = await routes(["apply", "sre-v2.json"]);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain("added:   pagerduty_service_id PXXXXXX");
    expect(result.stdout).toContain("removed: github_repo incidentfox/mono-repo, service payment");
    expect(result.stdout).toContain("agent:   https://sre-agent.example.com/invoke");
    expect(await fx.table().getClaims([{ kind: "service", value: "payment" }])).toEqual([]);
    expect((await routes(["apply", "oncall.json"])).code).toBe(0);
  });

  it("apply refuses an identifier another team holds: exit 1, owner named, nothing written", async () => {
    const result = await routes(["apply", "thief.json"]);
    expect(result.code).toBe(1);
    expect(result.stdout).toBe("");
    expect(result.stderr).toContain(
      "error: cannot apply other/thieves: slack_channel_id C0A4967KRBM is already claimed by extend/extend-sre",
    );
    noStack(result.stderr);
    expect(await fx.table().getTeam("other", "thieves")).toBeUndefined();
    await expectConsistent(fx);
  });

  it("apply refuses an invalid config with every problem as a field path: exit 2", async () => {
    const result = await routes(["apply", "invalid.json"]);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain("error: invalid team config in invalid.json:");
    for (const line of [
      "  - team_node_id: is required",
      "  - routing.slack_channel_ids[0]: must be a Slack channel ID like C0A4967KRBM (the ID, not the #channel-name)",
      "  - routing.github_repos[0]: must be a repository's full name, owner/repo",
      '  - routing: unknown field "slack_channels"',
      "  - agent.url: the agent URL uses plain http:// but agents are called over https:// only",
    ]) {
      expect(result.stderr).toContain(line);
    }
    noStack(result.stderr);
  });

  it("apply reports unreadable files and bad JSON: exit 2", async () => {
    const broken = await routes(["apply", "broken.json"]);
    expect(broken.code).toBe(2);
    expect(broken.stderr).toMatch(/^error: broken\.json is not valid JSON: /);
    const missing = await routes(["apply", "nope.json"]);
    expect(missing).toMatchObject({ code: 2, stderr: "error: cannot read nope.json: no such file\n" });
    const none = await routes(["apply"]);
    expect(none.code).toBe(2);
    expect(none.stderr).toContain("error: missing required argument 'file.json'");
    expect(none.stderr).toContain("usage: webhook-pipeline routes apply [options] <file.json>");
    expect(none.stderr).toContain("run `webhook-pipeline routes apply --help` for the details");
  });

  it("list shows every team as a table, or JSON", async () => {
    const human = await routes(["list"]);
    expect(human.code).toBe(0);
    const lines = human.stdout.trimEnd().split("\n");
    expect(lines[0]).toMatch(/^ORG\s+TEAM\s+CLAIMS\s+AGENT\s+UPDATED$/);
    expect(lines[1]).toMatch(/^extend\s+extend-sre\s+2\s+https:\/\/sre-agent\.example\.com\/invoke\s+\d{4}-/);
    expect(lines[2]).toMatch(/^extend\s+oncall\s+2\s+default \(AGENT_URL\)/);
    const json = JSON.parse((await routes(["list", "--json"])).stdout);
    expect(json.map((t: { team_node_id: string }) => t.team_node_id)).toEqual(["extend-sre", "oncall"]);
  });

  it("show prints one team; an unknown team is exit 1, a malformed name exit 2", async () => {
    const shown = await routes(["show", "extend/extend-sre"]);
    expect(shown.code).toBe(0);
    expect(shown.stdout).toContain("team:     extend/extend-sre");
    expect(shown.stdout).toMatch(/pagerduty_service_id\s+PXXXXXX/);
    expect(shown.stdout).toMatch(/slack_channel_id\s+C0A4967KRBM/);
    expect(JSON.parse((await routes(["show", "extend/oncall", "--json"])).stdout)).toMatchObject({
      org_id: "extend",
      team_node_id: "oncall",
      routing: { incidentio_team_ids: ["01HONCALL"], services: ["checkout"] },
    });
    const unknown = await routes(["show", "extend/nobody"]);
    expect(unknown).toMatchObject({ code: 1, stdout: "" });
    expect(unknown.stderr).toContain("no team extend/nobody");
    const malformed = await routes(["show", "extend"]);
    expect(malformed.code).toBe(2);
    expect(malformed.stderr).toContain("expected <org>/<team>");
  });

  it("lookup prints the match, the priority reasoning and the other candidates", async () => {
    const result = await routes([
      "lookup",
      "--service",
      "checkout",
      "--slack-channel-id",
      "C0A4967KRBM",
      "--pagerduty-service-id",
      "PXXXXXX",
      "--github-repo",
      "nobody/repo",
    ]);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain("match: extend/extend-sre");
    expect(result.stdout).toContain("matched by: pagerduty_service_id PXXXXXX (priority 2 of 7)");
    expect(result.stdout).toContain("agent:      https://sre-agent.example.com/invoke");
    expect(result.stdout).toContain(
      "slack_channel_id C0A4967KRBM (priority 3 of 7) is claimed by extend/extend-sre but ranks below pagerduty_service_id",
    );
    expect(result.stdout).toContain("github_repo nobody/repo (priority 4 of 7) is claimed by no team");
    expect(result.stdout).toMatch(/2\s+pagerduty_service_id\s+PXXXXXX\s+extend\/extend-sre\s+match/);
    expect(result.stdout).toMatch(/7\s+service\s+checkout\s+extend\/oncall\s+outranked/);

    const json = JSON.parse(
      (
        await routes([
          "lookup",
          "--service",
          "checkout",
          "--incidentio-team-id",
          "01HONCALL",
          "--slack-channel-id",
          "C0A4967KRBM",
          "--json",
        ])
      ).stdout,
    );
    expect(json).toMatchObject({
      found: true,
      match: {
        org_id: "extend",
        team_node_id: "oncall",
        matched_by: "incidentio_team_id",
        identifier: "01HONCALL",
      },
    });
    expect(json.candidates.map((c: { kind: string; result: string }) => [c.kind, c.result])).toEqual([
      ["incidentio_team_id", "match"],
      ["slack_channel_id", "outranked"],
      ["service", "outranked"],
    ]);
  });

  it("lookup extracts identifiers from a webhook payload", async () => {
    const result = await routes(["lookup", "--provider", "slack", "--payload", "slack-event.json"]);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain("matched by: slack_channel_id C0A4967KRBM");
  });

  it("lookup without a match is exit 1; without identifiers exit 2", async () => {
    const none = await routes(["lookup", "--slack-channel-id", "CUNKNOWN"]);
    expect(none.code).toBe(1);
    expect(none.stdout).toContain("no team claims any of these identifiers");
    const empty = await routes(["lookup"]);
    expect(empty.code).toBe(2);
    expect(empty.stderr).toContain("give at least one identifier");
    const badFlag = await routes(["lookup", "--slack-channel", "C1"]);
    expect(badFlag.code).toBe(2);
    expect(badFlag.stderr).toContain(
      "error: unknown option '--slack-channel'\n(Did you mean --slack-channel-id?)",
    );
    const noValue = await routes(["lookup", "--service"], { target: false });
    expect(noValue.code).toBe(2);
    expect(noValue.stderr).toContain("error: option '--service <value>' argument missing");
    const half = await routes(["lookup", "--provider", "slack"]);
    expect(half.code).toBe(2);
    expect(half.stderr).toContain("--provider and --payload go together");
  });

  it("remove deletes the team and releases its claims", async () => {
    const result = await routes(["remove", "extend/oncall"]);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain("removed extend/oncall");
    expect(result.stdout).toContain("released: incidentio_team_id 01HONCALL, service checkout");
    expect((await routes(["show", "extend/oncall"])).code).toBe(1);
    expect((await routes(["remove", "extend/oncall"])).code).toBe(1);
    await expectConsistent(fx);
  });

  it("--local reads .local/pipeline.json from the directory or a parent", async () => {
    const result = await routes(["list", "--local", "--json"], {
      cwd: join(dir, "with-local", "nested"),
      target: false,
    });
    expect(result.code).toBe(0);
    expect(JSON.parse(result.stdout).map((t: { team_node_id: string }) => t.team_node_id)).toEqual([
      "extend-sre",
    ]);
    const missing = await routes(["list", "--local"], { cwd: join(dir, "without-local"), target: false });
    expect(missing.code).toBe(1);
    expect(missing.stderr).toContain("start the local pipeline with npm start");
  });

  it("takes the table and endpoint from ROUTING_TABLE and AWS_ENDPOINT_URL_DYNAMODB", async () => {
    const result = await routes(["show", "extend/extend-sre"], {
      target: false,
      env: { ROUTING_TABLE: fx.tableName, AWS_ENDPOINT_URL_DYNAMODB: fx.endpoint },
    });
    expect(result.code).toBe(0);
    const untargeted = await routes(["list"], { target: false });
    expect(untargeted.code).toBe(2);
    expect(untargeted.stderr).toContain(
      "error: no routing table: pass --routing-table NAME, set ROUTING_TABLE, or use --local (the local pipeline) or --stack [NAME]",
    );
    expect(untargeted.stderr).toContain("usage: webhook-pipeline routes list [options]");
  });

  it("names a missing table and an unreachable endpoint without a stack trace", async () => {
    const capture = captureIO({ cwd: dir });
    expect(
      await main(
        ["routes", "list", "--routing-table", "no-such-table", "--dynamodb-endpoint", fx.endpoint],
        capture.io,
      ),
    ).toBe(1);
    expect(capture.stderr()).toContain("table 'no-such-table' was not found");
    noStack(capture.stderr());
    const down = captureIO({ cwd: dir });
    expect(
      await main(
        ["routes", "list", "--routing-table", "t", "--dynamodb-endpoint", "http://127.0.0.1:9"],
        down.io,
      ),
    ).toBe(1);
    expect(down.stderr()).toContain("cannot reach DynamoDB at http://127.0.0.1:9");
  });

  it("apply stores agent.token_secret and notify.slack_channel; show, lookup and --json print them", async () => {
    await writeFile(
      join(dir, "billing.json"),
      JSON.stringify({
        org_id: "extend",
        team_node_id: "billing",
        routing: { services: ["invoices"] },
        agent: { token_secret: "agents/extend-billing" },
        notify: { slack_channel: "CBILLING1" },
      }),
    );
    const applied = await routes(["apply", "billing.json"]);
    expect(applied).toMatchObject({ code: 0, stderr: "" });
    expect(applied.stdout).toContain("  agent:   default (AGENT_URL)");
    expect(applied.stdout).toContain("  token:   from secret agents/extend-billing");
    expect(applied.stdout).toContain("  notify:  Slack channel CBILLING1");

    const shown = await routes(["show", "extend/billing"]);
    expect(shown.stdout).toContain(
      "agent:    default (AGENT_URL)\ntoken:    from secret agents/extend-billing\n",
    );
    expect(shown.stdout).toContain("notify:   Slack channel CBILLING1");
    expect(JSON.parse((await routes(["show", "extend/billing", "--json"])).stdout)).toMatchObject({
      agent: { token_secret: "agents/extend-billing" },
      notify: { slack_channel: "CBILLING1" },
    });
    const looked = await routes(["lookup", "--service", "invoices"]);
    expect(looked.stdout).toContain("  token:      from secret agents/extend-billing");
    expect(looked.stdout).toContain("  notify:     Slack channel CBILLING1");
    expect(
      JSON.parse((await routes(["lookup", "--service", "invoices", "--json"])).stdout).match,
    ).toMatchObject({
      agent: { token_secret: "agents/extend-billing" },
      notify: { slack_channel: "CBILLING1" },
    });

    expect((await routes(["show", "extend/extend-sre"])).stdout).toContain(
      "token:    none\nnotify:   none\n",
    );
    expect((await routes(["remove", "extend/billing"])).code).toBe(0);
  });

  it("apply checks agent.url with the agent URL rule: local http only with --local", async () => {
    const team = (team_node_id: string, url: string) =>
      JSON.stringify({
        org_id: "extend",
        team_node_id,
        routing: { services: [`${team_node_id}-svc`] },
        agent: { url },
      });
    await writeFile(join(dir, "with-local", "dev.json"), team("dev", "http://127.0.0.1:9000/invoke"));
    await writeFile(join(dir, "with-local", "private.json"), team("private", "https://10.1.2.3/invoke"));
    const cwd = join(dir, "with-local");

    const strict = await routes(["apply", "dev.json"], { cwd });
    expect(strict.code).toBe(2);
    expect(strict.stderr).toContain(
      "  - agent.url: the agent URL points at 127.0.0.1, a loopback address (127.0.0.0/8): give the agent's " +
        "public https:// address, like https://agent.example.com/invoke; 127.0.0.1 and localhost, over " +
        "http:// or https://, are allowed only in the local pipeline (npm start)",
    );
    expect(await fx.table().getTeam("extend", "dev")).toBeUndefined();

    const local = await routes(["apply", "dev.json", "--local"], { cwd, target: false });
    expect(local).toMatchObject({ code: 0, stderr: "" });
    expect(local.stdout).toContain("  agent:   http://127.0.0.1:9000/invoke");

    const privateAddress = await routes(["apply", "private.json", "--local"], { cwd, target: false });
    expect(privateAddress.code).toBe(2);
    expect(privateAddress.stderr).toContain(
      "  - agent.url: the agent URL points at 10.1.2.3, a private address (10.0.0.0/8)",
    );
    expect(await fx.table().getTeam("extend", "private")).toBeUndefined();
    expect((await routes(["remove", "extend/dev"])).code).toBe(0);
  });

  it("--local takes the endpoint from the local pipeline: with --dynamodb-endpoint or --stack it is a usage error", async () => {
    const cwd = join(dir, "with-local");
    for (const other of [["--dynamodb-endpoint", fx.endpoint], ["--stack"], ["--stack", "Prod"]]) {
      const result = await routes(["list", "--local", ...other], { cwd, target: false });
      expect(result).toMatchObject({ code: 2, stdout: "" });
      expect(result.stderr).toContain(`error: option '--local' cannot be used with option '${other[0]}`);
    }
    // A resource's own option still names another table than the local file's.
    const named = await routes(["list", "--local", "--routing-table", "no-such-table"], {
      cwd,
      target: false,
    });
    expect(named.code).toBe(1);
    expect(named.stderr).toContain("table 'no-such-table' was not found");
  });

  it("the old --table and --endpoint spellings are refused with the usage that names their successors", async () => {
    const old = await routes(["list", "--table", fx.tableName], { target: false });
    expect(old.code).toBe(2);
    expect(old.stderr).toContain("error: unknown option '--table'");
    expect(old.stderr).toContain("run `webhook-pipeline routes list --help` for the details");
  });

  it("unknown groups and commands are exit 2 with a suggestion", async () => {
    const capture = captureIO();
    expect(await main(["routez"], capture.io)).toBe(2);
    expect(capture.stderr()).toContain("error: unknown command 'routez'\n(Did you mean routes?)");
    const command = captureIO();
    expect(await main(["routes", "frobnicate"], command.io)).toBe(2);
    expect(command.stderr()).toContain("error: unknown command 'frobnicate'");
    expect(command.stderr()).toContain("usage: webhook-pipeline routes <command> [options]");
    const help = captureIO();
    expect(await main(["routes", "--help"], help.io)).toBe(0);
    expect(help.stdout()).toMatch(/lookup \[options\]\s+show which team an event with these identifiers/);
  });
});

describe("the package bin (node cli/bin.js)", () => {
  const bin = (args: string[]) =>
    run(
      process.execPath,
      ["cli/bin.js", "routes", ...args, "--routing-table", fx.tableName, "--dynamodb-endpoint", fx.endpoint],
      {
        cwd: ROOT,
        env: { PATH: process.env.PATH ?? "", HOME: dir },
      },
    ).then(
      ({ stdout, stderr }) => ({ code: 0, stdout, stderr }),
      (error: { code: number; stdout: string; stderr: string }) => ({
        code: error.code,
        stdout: error.stdout,
        stderr: error.stderr,
      }),
    );

  it("runs routes commands with exit codes", async () => {
    const listed = await bin(["list"]);
    expect(listed).toMatchObject({ code: 0, stderr: "" });
    expect(listed.stdout).toMatch(/extend\s+extend-sre/);

    const conflict = await bin(["apply", join(dir, "thief.json")]);
    expect(conflict.code).toBe(1);
    expect(conflict.stderr).toContain("is already claimed by extend/extend-sre");
    noStack(conflict.stderr);

    const invalid = await bin(["apply", join(dir, "invalid.json")]);
    expect(invalid.code).toBe(2);
    expect(invalid.stderr).toContain("routing.github_repos[0]");
  });
});
