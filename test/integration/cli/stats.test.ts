/**
 * `stats` counts what the real router recorded for the events this suite sends through it: every
 * outcome (delivered, unrouted, failed, retrying, dead, rejected), per provider, with error rates.
 */
import { randomUUID } from "node:crypto";
import { SendMessageCommand } from "@aws-sdk/client-sqs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DynamoDbEventStore } from "../../../shared/adapters/dynamodb/dynamodb-event-store";
import type { Envelope } from "../../../shared/envelope/envelope";
import type { EventStats } from "../../../shared/operations/event-stats";
import { githubEnvelope, slackEnvelope } from "../../unit/router/router-fakes";
import { type FakeAgent, startFakeAgent } from "../router/fake-agent";
import { type FakeSlack, startFakeSlack } from "../router/fake-slack";
import { json, type OpsFixture, startOpsFixture, startRouter } from "./ops-fixture";

const CHANNEL = "C0STATSIT1";
const REPO = "acme/stats-it";

let fx: OpsFixture;
let agent: FakeAgent;
let slack: FakeSlack;

async function send(messages: Array<Envelope | string>) {
  for (const m of messages) {
    await fx.sqs.send(
      new SendMessageCommand({
        QueueUrl: fx.queueUrl,
        MessageBody: typeof m === "string" ? m : JSON.stringify(m),
      }),
    );
  }
}

beforeAll(async () => {
  fx = await startOpsFixture("stats");
  agent = await startFakeAgent();
  slack = await startFakeSlack();
  await fx.applyTeam({
    org_id: "extend",
    team_node_id: "extend-sre",
    routing: { slack_channel_ids: [CHANNEL], github_repos: [REPO] },
  });
  // The agent refuses delivery keys starting with REFUSE (permanent) and is unavailable for BUSY ones.
  agent.behave((request) => {
    // The agent sees the namespaced key (`<route>:<provider id>`): the provider's id is its last part.
    const key = String(request.json.delivery_key).split(":").pop()!;
    if (key.startsWith("REFUSE")) return { kind: "fail", status: 422 };
    if (key.startsWith("BUSY")) return { kind: "fail", status: 503 };
    return { kind: "ok" };
  });
  // A retried message is held back a while (a minute), so the second router below does not see it.
  const router = startRouter(fx, {
    agentUrl: agent.url,
    slackApiUrl: slack.apiUrl,
    env: { RETRY_BASE_DELAY_SECONDS: "120" },
  });
  const resent = slackEnvelope({}, CHANNEL);
  await send([
    resent,
    slackEnvelope({}, CHANNEL),
    slackEnvelope({}, "C0STATSNOBODY"),
    slackEnvelope({ delivery_key: `BUSY-${randomUUID()}` }, CHANNEL),
    githubEnvelope(REPO),
    githubEnvelope(REPO, { delivery_key: `REFUSE-${randomUUID()}` }),
    "this body is not an envelope",
  ]);
  await router.drain();
  // Slack resends the first one (same delivery key, new event): a duplicate, counted apart.
  await send([{ ...resent, id: randomUUID() }]);
  await router.drain();
  router.close();
  // One more unavailable delivery on its last allowed receive: recorded dead.
  const lastTry = startRouter(fx, {
    agentUrl: agent.url,
    slackApiUrl: slack.apiUrl,
    env: { MAX_RECEIVE_COUNT: "1" },
  });
  await fx.sqs.send(
    new SendMessageCommand({
      QueueUrl: fx.queueUrl,
      MessageBody: JSON.stringify(slackEnvelope({ delivery_key: `BUSY-${randomUUID()}` }, CHANNEL)),
    }),
  );
  await lastTry.drain();
  lastTry.close();
  // And one delivery recorded two days ago: outside the default window.
  await new DynamoDbEventStore(
    fx.tables.eventsTable,
    fx.dynamo,
    () => new Date(Date.now() - 48 * 3600_000),
  ).record({
    event_id: randomUUID(),
    status: "failed",
    message_id: "m-old",
    attempts: 1,
    provider: "pagerduty",
    body: "{}",
  });
});

afterAll(async () => {
  await agent?.close();
  await slack?.close();
  await fx?.stop();
});

describe("stats", () => {
  it("counts every outcome the router recorded in the last 24h, per provider, with error rates", async () => {
    const result = await fx.cli(["stats", "--json"]);
    expect(result).toMatchObject({ code: 0, stderr: "" });
    const stats = json<EventStats>(result);
    expect(stats.providers).toEqual({
      github: {
        received: 2,
        delivered: 1,
        duplicate: 0,
        unrouted: 0,
        rejected: 0,
        retrying: 0,
        failed: 1,
        dead: 0,
        ignored: 0,
        handshake: 0,
        error_rate: 50,
        unrouted_rate: 0,
      },
      slack: {
        received: 6,
        delivered: 2,
        duplicate: 1,
        unrouted: 1,
        rejected: 0,
        retrying: 1,
        failed: 0,
        dead: 1,
        ignored: 0,
        handshake: 0,
        error_rate: 16.7,
        unrouted_rate: 16.7,
      },
      unknown: {
        received: 1,
        delivered: 0,
        duplicate: 0,
        unrouted: 0,
        rejected: 1,
        retrying: 0,
        failed: 0,
        dead: 0,
        ignored: 0,
        handshake: 0,
        error_rate: 100,
        unrouted_rate: 0,
      },
    });
    expect(stats.total).toEqual({
      received: 9,
      delivered: 3,
      duplicate: 1,
      unrouted: 1,
      rejected: 1,
      retrying: 1,
      failed: 1,
      dead: 1,
      ignored: 0,
      handshake: 0,
      error_rate: 33.3,
      unrouted_rate: 11.1,
    });
  });

  it("widens and narrows the window with --since", async () => {
    const week = json<EventStats>(await fx.cli(["stats", "--since", "7d", "--json"]));
    expect(week.total.received).toBe(10);
    expect(week.providers.pagerduty).toMatchObject({ received: 1, failed: 1, error_rate: 100 });
    const none = await fx.cli(["stats", "--since", new Date(Date.now() + 60_000).toISOString()]);
    expect(none.code).toBe(0);
    expect(none.stdout).toMatch(/^events since \S+: none\n$/);
  });

  it("prints a table for people, one row per provider and the total", async () => {
    const result = await fx.cli(["stats"]);
    expect(result.code).toBe(0);
    const lines = result.stdout.trimEnd().split("\n");
    expect(lines[0]).toMatch(/^events since \d{4}-\S+ \(the last 24h\)$/);
    expect(lines[2]).toMatch(
      /^PROVIDER\s+RECEIVED\s+DELIVERED\s+DUPLICATE\s+UNROUTED\s+REJECTED\s+RETRYING\s+FAILED\s+DEAD\s+IGNORED\s+HANDSHAKE\s+ERROR RATE\s+UNROUTED RATE$/,
    );
    expect(lines[3]).toMatch(/^github\s+2\s+1\s+0\s+0\s+0\s+0\s+1\s+0\s+0\s+0\s+50%\s+0%$/);
    expect(lines[4]).toMatch(/^slack\s+6\s+2\s+1\s+1\s+0\s+1\s+0\s+1\s+0\s+0\s+16.7%\s+16.7%$/);
    expect(lines[6]).toMatch(/^total\s+9\s+3\s+1\s+1\s+1\s+1\s+1\s+1\s+0\s+0\s+33.3%\s+11.1%$/);
  });

  it("`stats show`, help, and errors", async () => {
    expect(json<EventStats>(await fx.cli(["stats", "show", "--json"])).total.received).toBe(9);
    const help = await fx.cli(["stats", "--help"]);
    expect(help.code).toBe(0);
    expect(help.stdout).toMatch(/show \[options\]\s+event counts per provider and error rates/);
    const showHelp = await fx.cli(["stats", "show", "--help"]);
    expect(showHelp.stdout).toContain("Usage: webhook-pipeline stats show [options]");
    expect(showHelp.stdout).toMatch(/--since <when>\s+the window: 30m, 1h, 24h, 7d/);
    const bad = await fx.cli(["stats", "--since", "-1h"]);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain(
      'error: --since must be a duration like 30m, 1h, 24h or 7d, or an ISO timestamp; got "-1h"',
    );
    expect(bad.stderr).toContain("usage: webhook-pipeline stats show [options]");
    const unknown = await fx.cli(["stats", "--sinse", "1h"]);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain("error: unknown option '--sinse'");
    const unset = await fx.cli(["stats"], { env: {} });
    expect(unset.code).toBe(2);
    expect(unset.stderr).toContain("error: no events table: pass --events-table NAME, set EVENTS_TABLE");
  });
});
