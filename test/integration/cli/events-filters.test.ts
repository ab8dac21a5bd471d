/**
 * `events list --delivery-key` and `--event-type` on DynamoDB Local: what they find (a delivered
 * event through the delivery guard's claim, the rest through the by-status index), what they read
 * to find it, and adversarial values (colons, unicode, a key over 1 KB, an event type nothing has).
 */
import { randomUUID } from "node:crypto";
import { DynamoDBDocumentClient } from "@aws-sdk/lib-dynamodb";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DynamoDbDeliveryGuard } from "../../../shared/adapters/dynamodb/dynamodb-delivery-guard";
import { DynamoDbEventStore } from "../../../shared/adapters/dynamodb/dynamodb-event-store";
import { namespacedDeliveryKey } from "../../../shared/envelope/delivery-key";
import { trimField } from "../../../shared/events/event-item";
import { EVENT_STATUSES, type EventOutcome, type EventStatus } from "../../../shared/events/event-outcome";
import { EventsTableReader } from "../../../shared/operations/events-table-reader";
import { githubEnvelope } from "../../unit/router/router-fakes";
import { dynamoClient } from "../router/router-fixture";
import { type CliRun, json, type OpsFixture, startOpsFixture } from "./ops-fixture";

interface Listed {
  events: Array<{ event_id: string; status: EventStatus; delivery_key?: string }>;
  next_token: string | null;
}

const MINUTE = 60_000;
const GITHUB_ROUTE = "/webhooks/github";
/** Colons (the namespace separator), unicode and over 1 KB: stored under its hash by the guard. */
const LONG_KEY = `urn:gh::délivery:🚀:${"x:".repeat(600)}end`;
const COLON_KEY = "a:b::c:";

let fx: OpsFixture;
const ids: Record<string, string> = {};

async function record(name: string, outcome: Partial<EventOutcome>, minutesAgo: number, claimKey?: string) {
  const envelope = githubEnvelope("acme/api", {
    ...(outcome.delivery_key ? { delivery_key: outcome.delivery_key } : {}),
  });
  await new DynamoDbEventStore(
    fx.tables.eventsTable,
    fx.dynamo,
    () => new Date(Date.now() - minutesAgo * MINUTE),
  ).record({
    event_id: envelope.id,
    message_id: randomUUID(),
    attempts: 1,
    status: "delivered",
    provider: "github",
    route: GITHUB_ROUTE,
    event_type: "issues",
    delivery_key: envelope.delivery_key,
    body: JSON.stringify(envelope),
    ...outcome,
  });
  if (claimKey !== undefined) {
    const guard = new DynamoDbDeliveryGuard({
      client: fx.dynamo,
      claimsTable: fx.tables.idempotencyTable,
      eventsTable: fx.tables.eventsTable,
      windowSeconds: 86_400,
    });
    const claimed = await guard.claim(
      namespacedDeliveryKey({ route: GITHUB_ROUTE, delivery_key: claimKey }),
      envelope.id,
      60_000,
    );
    expect(claimed.kind).toBe("claimed");
  }
  ids[name] = envelope.id;
}

beforeAll(async () => {
  fx = await startOpsFixture("events-filters");
  // Noise a scan of the table would have to read: delivered and failed events under other keys.
  for (let i = 0; i < 30; i++) {
    await record(`noise${i}`, { status: i % 3 ? "delivered" : "failed" }, 40 + i, undefined);
  }
  await record("longDelivered", { delivery_key: LONG_KEY }, 10, LONG_KEY);
  await record(
    "longDuplicate",
    { delivery_key: LONG_KEY, status: "duplicate", event_type: "issue_comment" },
    5,
  );
  await record("colonFailed", { delivery_key: COLON_KEY, status: "failed", agent_status: 500 }, 8, COLON_KEY);
  // Delivered longer ago than the guard remembers: no claim left.
  await record("forgotten", { delivery_key: "forgotten-1" }, 20);
});

afterAll(async () => {
  await fx?.stop();
});

const list = (args: string[], env?: NodeJS.ProcessEnv): Promise<CliRun> =>
  fx.cli(["events", "list", "--json", ...args], env ? { env } : undefined);

/** A reader on its own client, recording the name of every command it sends. */
function countedReader() {
  const doc = DynamoDBDocumentClient.from(dynamoClient(fx.dynamoEndpoint));
  const sent: string[] = [];
  const limits: unknown[] = [];
  doc.middlewareStack.add(
    (next, context) => (args) => {
      sent.push(String(context.commandName));
      const { Limit } = (args as { input: { Limit?: number } }).input;
      if (Limit !== undefined) limits.push(Limit);
      return next(args);
    },
    { step: "initialize", name: "countCommands" },
  );
  return {
    reader: new EventsTableReader(doc, fx.tables.eventsTable, fx.tables.idempotencyTable),
    sent,
    limits,
  };
}

describe("events list --delivery-key", () => {
  it("finds a delivered event through its claim, with its duplicate, for a key of colons, unicode and over 1 KB", async () => {
    const result = await list(["--delivery-key", LONG_KEY]);
    expect(result).toMatchObject({ code: 0, stderr: "" });
    expect(json<Listed>(result).events.map((e) => [e.event_id, e.status])).toEqual([
      [ids.longDuplicate, "duplicate"],
      [ids.longDelivered, "delivered"],
    ]);
    // The record keeps the id as every text field, trimmed; the claim keeps its hash whole.
    expect(json<Listed>(result).events[1]!.delivery_key).toBe(trimField(LONG_KEY));

    const { reader, sent } = countedReader();
    const page = await reader.list({ statuses: [...EVENT_STATUSES], delivery_key: LONG_KEY, limit: 20 });
    expect(page.events.map((e) => e.event_id)).toEqual([ids.longDuplicate, ids.longDelivered]);
    // The claim stands in for a scan of the table; each indexed status is one query.
    expect(sent).not.toContain("ScanCommand");
    expect(sent.filter((c) => c === "QueryCommand")).toHaveLength(EVENT_STATUSES.length - 1);
  });

  it("pages through the matches one at a time, each exactly once, and filters by status", async () => {
    const seen: string[] = [];
    let token: string | null = null;
    do {
      const page: Listed = json<Listed>(
        await list(["--delivery-key", LONG_KEY, "--limit", "1", ...(token ? ["--next-token", token] : [])]),
      );
      seen.push(...page.events.map((e) => e.event_id));
      token = page.next_token;
      expect(seen.length).toBeLessThan(5);
    } while (token);
    expect(seen).toEqual([ids.longDuplicate, ids.longDelivered]);

    const delivered = json<Listed>(await list(["--delivery-key", LONG_KEY, "--status", "delivered"]));
    expect(delivered.events.map((e) => e.event_id)).toEqual([ids.longDelivered]);
    const typed = json<Listed>(await list(["--delivery-key", LONG_KEY, "--event-type", "issue_comment"]));
    expect(typed.events.map((e) => e.event_id)).toEqual([ids.longDuplicate]);
    // A claim under GitHub's route is not a Slack event.
    const slack = json<Listed>(await list(["--delivery-key", LONG_KEY, "--provider", "slack"]));
    expect(slack.events).toEqual([]);
  });

  it("a claim held by a failed event says nothing was delivered: no scan", async () => {
    const { reader, sent } = countedReader();
    const page = await reader.list({ statuses: [...EVENT_STATUSES], delivery_key: COLON_KEY, limit: 20 });
    expect(page.events.map((e) => [e.event_id, e.status])).toEqual([[ids.colonFailed, "failed"]]);
    expect(sent).not.toContain("ScanCommand");
    // The key is matched whole: a prefix of it is another key.
    expect(json<Listed>(await list(["--delivery-key", "a:b"])).events).toEqual([]);
  });

  it("a delivery id the guard no longer remembers is still found, by a scan for delivered events", async () => {
    const { reader, sent } = countedReader();
    const page = await reader.list({ statuses: ["delivered"], delivery_key: "forgotten-1", limit: 20 });
    expect(page.events.map((e) => e.event_id)).toEqual([ids.forgotten]);
    expect(sent).toContain("ScanCommand");
    const none = await fx.cli(["events", "list", "--delivery-key", "ünknown:🚫"]);
    expect(none).toMatchObject({ code: 0, stdout: "no events (delivery key ünknown:🚫)\n" });
  });

  it("needs the idempotency table: without one it says how to name it", async () => {
    const { IDEMPOTENCY_TABLE: _, ...env } = fx.cliEnv;
    const result = await list(["--delivery-key", COLON_KEY], env);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain(
      "error: no idempotency table: pass --idempotency-table NAME, set IDEMPOTENCY_TABLE",
    );
    // Listing without the filter does not need it.
    expect((await list(["--limit", "1"], env)).code).toBe(0);
  });
});

describe("events list --event-type", () => {
  it("an event type nothing has: an empty listing and no next page, in one query per status", async () => {
    const result = await fx.cli(["events", "list", "--event-type", "no such type: ü", "--status", "failed"]);
    expect(result).toMatchObject({
      code: 0,
      stdout: "no events (status failed; event type no such type: ü)\n",
    });
    const { reader, sent, limits } = countedReader();
    const page = await reader.list({ statuses: ["failed"], event_type: "nothing", limit: 1 });
    expect(page).toEqual({ events: [] });
    // Eleven failed events, none a match: each request reads four times the last, not a page's worth.
    expect(sent).toEqual(["QueryCommand", "QueryCommand", "QueryCommand"]);
    expect(limits).toEqual([2, 8, 32]);
  });

  it("a common event type is not read far past the page", async () => {
    const { reader, limits } = countedReader();
    const page = await reader.list({ statuses: ["failed"], event_type: "issues", limit: 2 });
    expect(page.events).toHaveLength(2);
    expect(page.cursor).toBeDefined();
    expect(limits).toEqual([3]);
  });

  it("pages by event type with every match exactly once", async () => {
    const seen: string[] = [];
    let token: string | null = null;
    do {
      const page: Listed = json<Listed>(
        await list([
          "--event-type",
          "issues",
          "--status",
          "failed",
          "--limit",
          "3",
          ...(token ? ["--next-token", token] : []),
        ]),
      );
      seen.push(...page.events.map((e) => e.event_id));
      token = page.next_token;
    } while (token);
    const failedNoise = Object.entries(ids).filter(
      ([name]) => /^noise\d+$/.test(name) && Number(name.slice(5)) % 3 === 0,
    );
    expect(new Set(seen)).toEqual(new Set([ids.colonFailed, ...failedNoise.map(([, id]) => id)]));
    expect(seen).toHaveLength(failedNoise.length + 1);
  });
});
