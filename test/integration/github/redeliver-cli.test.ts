/**
 * `webhook-pipeline github redeliver` in-process, against the fake GitHub (a repository hook with
 * a token) and DynamoDB Local: the table a person reads, the exit codes, GitHub's refusals turned
 * into what to check, and a real Retry-After waited out.
 */
import { afterEach, beforeAll, beforeEach, describe, expect, inject, it } from "vitest";
import { captureIO } from "../../../cli/lib/io";
import { main } from "../../../cli/main";
import { EMULATOR_CREDENTIALS, EMULATOR_REGION } from "../../support/emulator-credentials";
import { FakeGitHub } from "../../support/fake-github/fake-github-server";
import { createRouterTables, dynamoClient, type RouterTables } from "../router/router-fixture";

const TOKEN = "ghp_cliTestToken0000000000000000000000";
const minutesAgo = (m: number) => new Date(Date.now() - m * 60_000);

let tables: RouterTables;
let fake: FakeGitHub;

beforeAll(async () => {
  tables = await createRouterTables(dynamoClient(inject("dynamoDbEndpoint")), "redeliver-cli");
});

beforeEach(async () => {
  fake = await new FakeGitHub({
    tokens: [TOKEN],
    repoHook: { owner: "acme", repo: "widgets", hookId: 77 },
  }).start();
});

afterEach(async () => {
  expect(fake.shapeProblems).toEqual([]);
  await fake.stop();
});

async function cli(args: string[], env: NodeJS.ProcessEnv = {}) {
  return cliRun(["github", "redeliver", ...args], env);
}

async function cliRun(argv: string[], env: NodeJS.ProcessEnv = {}) {
  const capture = captureIO({
    env: {
      EVENTS_TABLE: tables.eventsTable,
      IDEMPOTENCY_TABLE: tables.idempotencyTable,
      AWS_ENDPOINT_URL_DYNAMODB: inject("dynamoDbEndpoint"),
      AWS_REGION: EMULATOR_REGION,
      AWS_ACCESS_KEY_ID: EMULATOR_CREDENTIALS.accessKeyId,
      AWS_SECRET_ACCESS_KEY: EMULATOR_CREDENTIALS.secretAccessKey,
      GITHUB_API_URL: fake.url,
      GITHUB_TOKEN: TOKEN,
      ...env,
    },
  });
  const code = await main(argv, capture.io);
  return { code, stdout: capture.stdout(), stderr: capture.stderr() };
}

const REPO = ["--repo", "acme/widgets", "--hook-id", "77"];

describe("webhook-pipeline github redeliver", () => {
  it("prints what it did per failed delivery, the successes counted, and exits 0", async () => {
    fake.addAttempt({
      guid: "lost-table-1",
      statusCode: 503,
      deliveredAt: minutesAgo(30),
      event: "issues",
      action: "opened",
    });
    fake.addAttempt({
      guid: "lost-table-2",
      statusCode: 0,
      deliveredAt: minutesAgo(20),
      event: "push",
      action: null,
    });
    fake.addAttempt({ guid: "fine", statusCode: 200, deliveredAt: minutesAgo(10) });
    const run = await cli([...REPO, "--since", "1h"]);
    expect(run.stderr).toBe("");
    expect(run.code).toBe(0);
    const lines = run.stdout.trimEnd().split("\n");
    expect(lines[0]).toMatch(/^GUID\s+EVENT\s+FIRST STATUS\s+ATTEMPTS\s+DID\s+DETAIL$/);
    expect(lines[1]).toMatch(/^lost-table-1\s+issues\.opened\s+503\s+1\s+redelivered$/);
    expect(lines[2]).toMatch(/^lost-table-2\s+push\s+no answer\s+1\s+redelivered$/);
    expect(lines[3]).toMatch(
      /^3 deliveries since \S+; 1 succeeded; 2 failed and not in the pipeline; 2 redeliveries requested \(--json lists every delivery\)$/,
    );
    expect(run.stdout).not.toContain("fine");
  });

  it("its requests are listed by `events list --status redelivery_requested`, and never counted as webhooks by `stats`", async () => {
    fake.addAttempt({
      guid: "listed-redelivery",
      statusCode: 502,
      deliveredAt: minutesAgo(5),
      event: "issues",
    });
    const before = JSON.parse((await cliRun(["stats", "show", "--json"])).stdout);
    expect((await cli(REPO)).code).toBe(0);
    const listed = await cliRun(["events", "list", "--status", "redelivery_requested", "--json"]);
    expect(listed.code).toBe(0);
    const keys = JSON.parse(listed.stdout).events.map((e: { delivery_key: string }) => e.delivery_key);
    expect(keys).toContain("listed-redelivery");
    const after = JSON.parse((await cliRun(["stats", "show", "--json"])).stdout);
    expect(after.total.received).toBe(before.total.received);
    expect(Object.keys(after.total)).not.toContain("redelivery_requested");
  });

  it("--json lists every delivery; --dry-run proposes within --max", async () => {
    for (const [i, guid] of ["dry-a", "dry-b", "dry-c"].entries()) {
      fake.addAttempt({ guid, statusCode: 500, deliveredAt: minutesAgo(10 - i) });
    }
    const run = await cli([...REPO, "--dry-run", "--max", "2", "--json"]);
    expect(run.code).toBe(0);
    const report = JSON.parse(run.stdout);
    expect(report).toMatchObject({ dry_run: true, max: 2, found_failed: 3, requested: 0, failed: 0 });
    expect(report.rows.map((r: { did: string }) => r.did)).toEqual([
      "would_redeliver",
      "would_redeliver",
      "over_max",
    ]);
    expect(report.rows[0]).toEqual({
      guid: "dry-a",
      event: "pull_request",
      action: "opened",
      first_status: 500,
      attempts: 1,
      did: "would_redeliver",
    });
    expect(fake.requests.filter((r) => r.method === "POST")).toEqual([]);
  });

  it("exits 1 when GitHub refuses a redelivery, with GitHub's answer in the row", async () => {
    const item = fake.addAttempt({ guid: "refused-cli", statusCode: 500, deliveredAt: minutesAgo(5) });
    fake.refuseRedelivery(item.id, 422);
    const run = await cli(REPO);
    expect(run.code).toBe(1);
    expect(run.stdout).toMatch(
      /refused-cli\s+pull_request\.opened\s+500\s+1\s+redelivery_failed\s+asking GitHub to redeliver delivery \d+ failed: GitHub answered 422/,
    );
    expect(run.stdout).toContain("1 refused by GitHub");
  });

  it("waits out a 403 with Retry-After and carries on", async () => {
    fake.addAttempt({ guid: "after-wait", statusCode: 502, deliveredAt: minutesAgo(5) });
    fake.rateLimitNext({ status: 403, retryAfter: 1 });
    const started = Date.now();
    const run = await cli([...REPO, "--json"]);
    expect(run.code).toBe(0);
    expect(Date.now() - started).toBeGreaterThanOrEqual(1000);
    expect(fake.requests.map((r) => [r.method, r.status])).toEqual([
      ["GET", 403],
      ["GET", 200],
      ["POST", 202],
    ]);
    expect(JSON.parse(run.stdout).rows[0].did).toBe("redelivered");
  });

  it("turns GitHub's refusals of the listing into what to check, never printing the token", async () => {
    const wrongToken = await cli(REPO, { GITHUB_TOKEN: "ghp_wrongTokenValue" });
    expect(wrongToken.code).toBe(1);
    expect(wrongToken.stderr).toBe(
      "error: listing the webhook's deliveries failed: GitHub answered 401 (Bad credentials); GitHub refused the credentials: check GITHUB_TOKEN\n",
    );
    const noHook = await cli(["--repo", "acme/widgets", "--hook-id", "78"]);
    expect(noHook.code).toBe(1);
    expect(noHook.stderr).toContain("GitHub answered 404 (Not Found); check --repo/--org and --hook-id");
    for (const run of [wrongToken, noHook]) expect(run.stderr + run.stdout).not.toMatch(/ghp_/);
  });

  it("says so when GitHub cannot be reached", async () => {
    const run = await cli(REPO, { GITHUB_API_URL: "http://127.0.0.1:9" });
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(
      /^error: listing the webhook's deliveries failed: no answer from http:\/\/127\.0\.0\.1:9 \(.+\); check GITHUB_API_URL and the network\n$/,
    );
  });

  it("a missing table fails the run with its name, before GitHub is asked to redeliver anything", async () => {
    fake.addAttempt({ guid: "no-table", statusCode: 500, deliveredAt: minutesAgo(5) });
    const run = await cli([...REPO, "--idempotency-table", "no-such-table"]);
    expect(run.code).toBe(1);
    expect(run.stderr).toContain("table 'no-such-table' was not found");
    expect(fake.requests.filter((r) => r.method === "POST")).toEqual([]);
  });

  it("an empty window says so", async () => {
    const run = await cli(REPO);
    expect(run).toMatchObject({ code: 0, stdout: expect.stringMatching(/^no deliveries since \S+\n$/) });
  });

  it("usage errors exit 2 before any request: bad --since, --max, missing tables", async () => {
    for (const [args, message] of [
      [["--since", "soon"], "--since must be a duration"],
      [["--max", "0"], "--max must be a whole number from 1 to 1000"],
      [["--repo", "acme/widgets"], "--repo needs --hook-id N"],
      [["--repo", "a/b", "--org", "c", "--hook-id", "1"], "cannot be used with option '--org"],
    ] as const) {
      const run = await cli([...args]);
      expect(run.code).toBe(2);
      expect(run.stderr).toContain(message);
    }
    const noTable = await cli(REPO, { EVENTS_TABLE: "" });
    expect(noTable).toMatchObject({
      code: 2,
      stderr: expect.stringContaining("no events table: pass --events-table NAME"),
    });
    expect(fake.requests).toEqual([]);
  });
});
