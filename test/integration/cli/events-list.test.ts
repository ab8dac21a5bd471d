/**
 * `events list` and `events show` against an events table written by the router's own recorder
 * (DynamoDbEventStore, with chosen times), plus the target and error handling every operations
 * command shares.
 */
import { execFile } from "node:child_process";
import { randomUUID } from "node:crypto";
import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DynamoDbEventStore } from "../../../shared/adapters/dynamodb/dynamodb-event-store";
import { EVENT_STATUSES, type EventOutcome, type EventStatus } from "../../../shared/events/event-outcome";
import type { ProviderName } from "../../../shared/providers/provider";
import { envelopeWith, slackEnvelope } from "../../unit/router/router-fakes";
import { type CliRun, json, type OpsFixture, stackFree, startOpsFixture } from "./ops-fixture";

const run = promisify(execFile);
const ROOT = resolve(import.meta.dirname, "../../..");
const DYNAMODB_ITEM_LIMIT_BYTES = 400 * 1024;

interface Listed {
  events: Array<{ event_id: string; status: EventStatus; provider?: string; updated_at: string }>;
  next_token: string | null;
}

let fx: OpsFixture;
let dir: string;
/** Every recorded event, newest first. */
const recorded: Array<{
  id: string;
  status: EventStatus;
  provider?: ProviderName;
  event_type?: string;
  delivery_key?: string;
  at: Date;
}> = [];

const STATUSES: EventStatus[] = [
  "delivered",
  "failed",
  "unrouted",
  "dead",
  "delivered",
  "retrying",
  "rejected",
];
const MINUTE = 60_000;

async function record(outcome: Omit<EventOutcome, "message_id" | "attempts">, at: Date) {
  await new DynamoDbEventStore(fx.tables.eventsTable, fx.dynamo, () => at).record({
    message_id: randomUUID(),
    attempts: 1,
    ...outcome,
  });
}

beforeAll(async () => {
  fx = await startOpsFixture("events-list");
  const now = Date.now();
  // 21 events in the last 25 minutes, and 4 from two to three hours ago.
  for (let i = 0; i < 25; i++) {
    const status = STATUSES[i % STATUSES.length]!;
    const provider: ProviderName | undefined = status === "rejected" ? undefined : i % 2 ? "github" : "slack";
    const at = new Date(now - (i < 21 ? i * MINUTE + 5000 : 2 * 60 * MINUTE + i * MINUTE));
    const envelope = slackEnvelope({}, "C0LISTIT");
    const event_type = i % 4 === 3 ? "reaction_added" : "app_mention";
    const described = provider ? { provider, event_type, delivery_key: envelope.delivery_key } : {};
    await record(
      {
        event_id: envelope.id,
        status,
        ...described,
        ...(status === "failed" ? { agent_status: 400, last_error: "agent answered 400: bad request" } : {}),
        ...(status === "delivered"
          ? { org_id: "extend", team_node_id: "extend-sre", agent_status: 202 }
          : {}),
        body: status === "rejected" ? "not an envelope" : JSON.stringify(envelope),
      },
      at,
    );
    recorded.push({ id: envelope.id, status, ...described, at });
  }
  dir = await mkdtemp(join(tmpdir(), "events-cli-"));
  await mkdir(join(dir, "with-local", ".local"), { recursive: true });
  await mkdir(join(dir, "with-local", "nested"), { recursive: true });
  await writeFile(
    join(dir, "with-local", ".local", "pipeline.json"),
    JSON.stringify({
      region: "us-east-1",
      sqsEndpoint: fx.sqsEmulator.endpoint,
      dynamodbEndpoint: fx.dynamoEndpoint,
      queueUrl: fx.queueUrl,
      deadLetterQueueUrl: fx.dlqUrl,
      routingTable: fx.tables.routingTable,
      eventsTable: fx.tables.eventsTable,
      idempotencyTable: fx.tables.idempotencyTable,
    }),
  );
  await mkdir(join(dir, "old-local", ".local"), { recursive: true });
  await writeFile(
    join(dir, "old-local", ".local", "pipeline.json"),
    JSON.stringify({ dynamodbEndpoint: fx.dynamoEndpoint, routingTable: fx.tables.routingTable }),
  );
});

afterAll(async () => {
  await fx?.stop();
  if (dir) await rm(dir, { recursive: true, force: true });
});

const events = (args: string[], options?: Parameters<OpsFixture["cli"]>[1]) =>
  fx.cli(["events", ...args], options);

/** Follows next_token from the first page to the last; returns every page. */
async function allPages(args: string[]): Promise<Listed[]> {
  const pages: Listed[] = [];
  let token: string | null = null;
  do {
    const result: CliRun = await events([
      "list",
      "--json",
      ...args,
      ...(token ? ["--next-token", token] : []),
    ]);
    expect(result).toMatchObject({ code: 0, stderr: "" });
    const page = json<Listed>(result);
    pages.push(page);
    token = page.next_token;
    expect(pages.length).toBeLessThan(30);
  } while (token);
  return pages;
}

const newestFirst = (list: typeof recorded) =>
  [...list].sort((a, b) => b.at.getTime() - a.at.getTime()).map((e) => e.id);

describe("events list", () => {
  it("lists every status newest first, page by page, each event exactly once", async () => {
    const pages = await allPages(["--limit", "7"]);
    expect(pages.map((p) => p.events.length)).toEqual([7, 7, 7, 4]);
    const ids = pages.flatMap((p) => p.events.map((e) => e.event_id));
    expect(ids).toEqual(newestFirst(recorded));
    const times = pages.flatMap((p) => p.events.map((e) => e.updated_at));
    expect(times).toEqual([...times].sort().reverse());
  });

  it("filters by status through the by-status index, one status or several", async () => {
    const failed = await allPages(["--status", "failed", "--limit", "2"]);
    expect(failed.map((p) => p.events.length)).toEqual([2, 2]); // no empty page after the last
    expect(failed.flatMap((p) => p.events.map((e) => e.event_id))).toEqual(
      newestFirst(recorded.filter((e) => e.status === "failed")),
    );
    expect(failed.flatMap((p) => p.events).every((e) => e.status === "failed")).toBe(true);

    const bad = await allPages(["--status", "dead,failed", "--limit", "3"]);
    expect(bad.flatMap((p) => p.events.map((e) => e.event_id))).toEqual(
      newestFirst(recorded.filter((e) => e.status === "failed" || e.status === "dead")),
    );
  });

  it("filters by provider and time window, paginating across the filter", async () => {
    const github = await allPages(["--provider", "github", "--limit", "3"]);
    expect(github.flatMap((p) => p.events.map((e) => e.event_id))).toEqual(
      newestFirst(recorded.filter((e) => e.provider === "github")),
    );
    const recent = await allPages(["--since", "1h", "--limit", "50"]);
    expect(recent).toHaveLength(1);
    expect(recent[0]!.events.map((e) => e.event_id)).toEqual(
      newestFirst(recorded.filter((e) => e.at.getTime() > Date.now() - 60 * MINUTE)),
    );
    expect(recent[0]!.events).toHaveLength(21);
    const since = new Date(Date.now() - 3 * MINUTE).toISOString();
    const iso = json<Listed>(await events(["list", "--json", "--since", since]));
    expect(iso.events.map((e) => e.event_id)).toEqual(newestFirst(recorded).slice(0, 3));
  });

  it("filters by event type and by the provider's delivery id, paginating across the filter", async () => {
    const reactions = await allPages(["--event-type", "reaction_added", "--limit", "2"]);
    const expected = newestFirst(recorded.filter((e) => e.event_type === "reaction_added"));
    expect(expected.length).toBeGreaterThan(2);
    expect(reactions.flatMap((p) => p.events.map((e) => e.event_id))).toEqual(expected);

    const target = recorded.find((e) => e.status === "failed" && e.delivery_key)!;
    const byKey = json<Listed>(await events(["list", "--json", "--delivery-key", target.delivery_key!]));
    expect(byKey.events.map((e) => e.event_id)).toEqual([target.id]);
    const both = json<Listed>(
      await events(["list", "--json", "--delivery-key", target.delivery_key!, "--event-type", "nope"]),
    );
    expect(both.events).toEqual([]);
    const none = await events(["list", "--delivery-key", "no-such-delivery"]);
    expect(none).toMatchObject({ code: 0, stdout: "no events (delivery key no-such-delivery)\n" });
  });

  it("prints a table for people, with how to get the next page", async () => {
    const result = await events(["list", "--limit", "3"]);
    expect(result.code).toBe(0);
    const lines = result.stdout.trimEnd().split("\n");
    expect(lines[0]).toMatch(
      /^UPDATED\s+STATUS\s+PROVIDER\s+EVENT TYPE\s+TEAM\s+TRIES\s+AGENT\s+EVENT ID\s+ERROR$/,
    );
    expect(lines[1]).toMatch(
      new RegExp(
        `^\\d{4}-\\S+\\s+delivered\\s+slack\\s+app_mention\\s+extend/extend-sre\\s+1\\s+202\\s+${recorded[0]!.id}$`,
      ),
    );
    expect(lines[2]).toMatch(
      /failed\s+github\s+app_mention\s+-\s+1\s+400\s+\S+\s+agent answered 400: bad request$/,
    );
    expect(lines.at(-1)).toMatch(/^more events: run the same command with --next-token \S+$/);
    const none = await events(["list", "--status", "dead", "--provider", "jira"]);
    expect(none).toMatchObject({ code: 0, stdout: "no events (status dead; provider jira)\n" });
  });

  it("refuses bad filters and foreign tokens with exit 2", async () => {
    for (const [args, message] of [
      [["--status", "lost"], `--status must be one of ${EVENT_STATUSES.join(", ")}, got "lost"`],
      [["--provider", "gitlab"], "--provider must be one of slack, github"],
      [["--since", "yesterday"], "--since must be a duration like 30m, 1h, 24h or 7d"],
      [["--limit", "0"], "--limit must be a whole number from 1 to 1000"],
      [["--next-token", "garbage"], "--next-token is not a token printed by `events list`"],
      [["extra"], "error: too many arguments for 'list'. Expected 0 arguments but got 1."],
      [["--since"], "error: option '--since <when>' argument missing"],
      [["--satus", "failed"], "error: unknown option '--satus'\n(Did you mean --status?)"],
      [["--event-type", " "], "--event-type must not be empty"],
      [["--delivery-key", ""], "--delivery-key must not be empty"],
    ] as const) {
      const result = await events(["list", ...args]);
      expect(result.code, args.join(" ")).toBe(2);
      expect(result.stderr).toContain(message);
      expect(result.stderr).toContain("usage: webhook-pipeline events list");
    }
    const first = json<Listed>(await events(["list", "--json", "--status", "failed", "--limit", "1"]));
    const mixed = await events(["list", "--status", "dead", "--next-token", first.next_token!]);
    expect(mixed.code).toBe(2);
    expect(mixed.stderr).toContain("--next-token continues the listing it came from");
    const typed = json<Listed>(
      await events(["list", "--json", "--event-type", "app_mention", "--limit", "1"]),
    );
    const retyped = await events([
      "list",
      "--event-type",
      "reaction_added",
      "--next-token",
      typed.next_token!,
    ]);
    expect(retyped.code).toBe(2);
    expect(retyped.stderr).toContain("--next-token continues the listing it came from");
  });
});

describe("events show", () => {
  it("prints the whole record and the envelope it carried", async () => {
    const failed = recorded.find((e) => e.status === "failed")!;
    const shown = await events(["show", failed.id]);
    expect(shown.code).toBe(0);
    expect(shown.stdout).toMatch(new RegExp(`^event:\\s+${failed.id}$`, "m"));
    expect(shown.stdout).toMatch(/^status:\s+failed \(recorded \d{4}-/m);
    expect(shown.stdout).toMatch(/^agent status:\s+400$/m);
    expect(shown.stdout).toMatch(/^last error:\s+agent answered 400: bad request$/m);
    expect(shown.stdout).toMatch(/^body:\s+stored, \d+ bytes$/m);
    expect(shown.stdout).toContain("envelope:");
    expect(shown.stdout).toMatch(/^ {2}route:\s+\/webhooks\/slack\/events$/m);
    expect(shown.stdout).toMatch(/^ {2}payload:\s+\d+ bytes of JSON/m);

    const data = json<{ record: Record<string, unknown>; envelope: Record<string, unknown> }>(
      await events(["show", failed.id, "--json"]),
    );
    expect(data.record).toMatchObject({ event_id: failed.id, status: "failed", agent_status: 400 });
    const queuedBody = JSON.parse(data.record.body as string);
    expect(queuedBody).toMatchObject({ id: failed.id, v: 3 });
    // The summary leaves the payload out and gives its size: the bytes of its text as sent.
    expect(data.envelope).toMatchObject({ valid: true, id: failed.id, provider: "slack" });
    expect(data.envelope).not.toHaveProperty("payload_text");
    expect(data.envelope.payload_bytes).toBe(Buffer.byteLength(queuedBody.payload_text));
  });

  it("shows a gzipped body as text, and says when the body was not stored or is no envelope", async () => {
    const big = envelopeWith(
      {},
      JSON.stringify({
        type: "event_callback",
        // More than a whole DynamoDB item holds, so only its gzip fits.
        event: { channel: "C0LISTIT", text: "x".repeat(DYNAMODB_ITEM_LIMIT_BYTES) },
      }),
    );
    await record(
      { event_id: big.id, status: "dead", body: JSON.stringify(big) },
      new Date(Date.now() - 60 * 60 * MINUTE),
    );
    const gz = json<{ record: Record<string, unknown> }>(await events(["show", big.id, "--json"]));
    expect(gz.record.body).toBe(JSON.stringify(big));
    expect(gz.record.body_compressed).toBe(true);
    expect((await events(["show", big.id])).stdout).toMatch(
      /^body:\s+stored, \d+ bytes \(gzip in the table\)$/m,
    );

    const rejected = recorded.find((e) => e.status === "rejected")!;
    expect((await events(["show", rejected.id])).stdout).toContain(
      "envelope: none, the body is not a valid envelope",
    );
  });

  it("an unknown event is exit 1, a missing id exit 2", async () => {
    const unknown = await events(["show", "no-such-event"]);
    expect(unknown).toMatchObject({ code: 1, stdout: "" });
    expect(unknown.stderr).toContain(
      `error: no event no-such-event in the events table '${fx.tables.eventsTable}'`,
    );
    const missing = await events(["show"]);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain("error: missing required argument 'event-id'");
    expect(missing.stderr).toContain("usage: webhook-pipeline events show [options] <event-id>");
  });
});

describe("where the operations commands find the pipeline", () => {
  it("--local reads the tables and endpoints from .local/pipeline.json in the directory or a parent", async () => {
    const result = await events(["list", "--local", "--json", "--limit", "1"], {
      env: {},
      cwd: join(dir, "with-local", "nested"),
    });
    expect(result.code).toBe(0);
    expect(json<Listed>(result).events[0]!.event_id).toBe(recorded[0]!.id);
    const old = await events(["list", "--local"], { env: {}, cwd: join(dir, "old-local") });
    expect(old.code).toBe(1);
    expect(old.stderr).toContain("names no eventsTable: restart the local pipeline with npm start");
    const both = await events(["list", "--local", "--stack"], { env: {}, cwd: join(dir, "with-local") });
    expect(both.code).toBe(2);
    expect(both.stderr).toContain("error: option '--local' cannot be used with option '--stack [name]'");
  });

  it("a flag wins over the environment", async () => {
    const result = await events(["list", "--json", "--events-table", fx.tables.eventsTable, "--limit", "1"], {
      env: { EVENTS_TABLE: "not-this-one", AWS_ENDPOINT_URL_DYNAMODB: fx.dynamoEndpoint },
    });
    expect(result.code).toBe(0);
  });

  it("says what to set when nothing names the table, and names a missing table or unreachable endpoint", async () => {
    const unset = await events(["list"], { env: {} });
    expect(unset.code).toBe(2);
    expect(unset.stderr).toContain(
      "error: no events table: pass --events-table NAME, set EVENTS_TABLE, or use --local (the local pipeline) or --stack [NAME]",
    );
    const missing = await events(["list", "--events-table", "no-such-table"]);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toContain(`error: table 'no-such-table' was not found at ${fx.dynamoEndpoint}`);
    expect(stackFree(missing.stderr)).toBe(true);
    const down = await events(["show", "x", "--dynamodb-endpoint", "http://127.0.0.1:9"]);
    expect(down.code).toBe(1);
    expect(down.stderr).toContain("error: cannot reach DynamoDB at http://127.0.0.1:9");
    expect(stackFree(down.stderr)).toBe(true);
    const bad = await events(["list", "--dynamodb-endpoint", "nowhere"]);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain(
      '--dynamodb-endpoint must be a URL like http://127.0.0.1:8000, got "nowhere"',
    );
  });

  it("runs through the package bin", async () => {
    const { stdout } = await run(
      process.execPath,
      ["cli/bin.js", "events", "list", "--json", "--limit", "2"],
      {
        cwd: ROOT,
        env: { PATH: process.env.PATH ?? "", HOME: dir, ...fx.cliEnv } as NodeJS.ProcessEnv,
      },
    );
    expect(JSON.parse(stdout).events.map((e: { event_id: string }) => e.event_id)).toEqual(
      newestFirst(recorded).slice(0, 2),
    );
    const failure = await run(process.execPath, ["cli/bin.js", "events", "show", "nope"], {
      cwd: ROOT,
      env: { PATH: process.env.PATH ?? "", HOME: dir, ...fx.cliEnv } as NodeJS.ProcessEnv,
    }).catch((error: { code: number; stderr: string }) => error);
    expect(failure).toMatchObject({ code: 1 });
    expect((failure as { stderr: string }).stderr).toContain("error: no event nope");
  });
});
