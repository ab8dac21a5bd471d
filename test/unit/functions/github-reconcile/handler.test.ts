/**
 * The scheduled reconciler as Lambda runs it, from its environment: the fake GitHub (App JWTs
 * verified with the App's public key) through the real Octokit adapter, and the pipeline's tables
 * on DynamoDB Local. Then every way a run can fail, each with a clear line and no secret in it.
 */
import { randomUUID } from "node:crypto";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import type { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { DynamoDBDocumentClient, GetCommand } from "@aws-sdk/lib-dynamodb";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, inject, it, vi } from "vitest";
import { createReconcileHandler, ReconcileFailedError } from "../../../../functions/github-reconcile/handler";
import { reconcileSetupFromEnv } from "../../../../functions/github-reconcile/reconcile-deps-from-env";
import { DynamoDbEventStore } from "../../../../shared/adapters/dynamodb/dynamodb-event-store";
import { redeliveryRecordId } from "../../../../shared/adapters/github/dynamodb-redelivery-ledger";
import { EVENTS_TABLE } from "../../../../shared/config/resources";
import { logger, metrics } from "../../../../shared/observability/powertools";
import type { FetchSecret } from "../../../../shared/secrets/secret-reader";
import { appKeyPair } from "../../../integration/github/github-keys";
import {
  createRouterTables,
  dynamoClient,
  type RouterTables,
} from "../../../integration/router/router-fixture";
import { stubEmulatorEnv } from "../../../support/emulator-env";
import { FakeGitHub } from "../../../support/fake-github/fake-github-server";
import { spyOnObservability } from "../../../support/observability-spies";

const APP_ID = "31337";
const keys = appKeyPair();
const keyBody = keys.privateKeyPem.split("\n")[2]!;
const minutesAgo = (m: number) => new Date(Date.now() - m * 60_000);
const credentials = (privateKey = keys.privateKeyPem) =>
  JSON.stringify({ app_id: Number(APP_ID), private_key: privateKey });

let client: DynamoDBClient;
let tables: RouterTables;
let fake: FakeGitHub;
let spies: ReturnType<typeof spyOnObservability>;
let counted: [string, number][];

beforeAll(async () => {
  const endpoint = inject("dynamoDbEndpoint");
  client = dynamoClient(endpoint);
  tables = await createRouterTables(client, "reconcile-fn");
  // The function builds its own DynamoDB client, from the environment as in Lambda.
  stubEmulatorEnv({ dynamodb: endpoint });
});
afterAll(() => {
  vi.unstubAllEnvs();
});

beforeEach(async () => {
  fake = await new FakeGitHub({ app: { appId: APP_ID, publicKey: keys.publicKey } }).start();
  spies = spyOnObservability();
  counted = [];
  vi.spyOn(metrics, "addMetric").mockImplementation((name, _unit, value) => {
    counted.push([name, value]);
    return metrics;
  });
  vi.spyOn(metrics, "publishStoredMetrics").mockImplementation(() => metrics);
});
afterEach(async () => {
  expect(fake.shapeProblems).toEqual([]);
  await fake.stop();
  spies.restore();
  vi.restoreAllMocks();
});

/** The function's environment as the stack sets it, the credentials given in plain text unless overridden. */
const environment = (extra: Record<string, string | undefined> = {}): NodeJS.ProcessEnv => ({
  EVENTS_TABLE: tables.eventsTable,
  IDEMPOTENCY_TABLE: tables.idempotencyTable,
  GITHUB_API_URL: fake.url,
  GITHUB_APP_CREDENTIALS: credentials(),
  ...extra,
});
const handlerWith = (env: NodeJS.ProcessEnv, fetchSecret?: FetchSecret) => {
  const setup = reconcileSetupFromEnv(env, fetchSecret);
  return createReconcileHandler(() => setup);
};
const posts = () => fake.requests.filter((r) => r.method === "POST").map((r) => Number(r.path.split("/")[4]));

/** The run's rejection, checked to be the handler's own clear error. */
async function failure(run: Promise<unknown>): Promise<string> {
  const error = await run.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(ReconcileFailedError);
  expect(logger.error).toHaveBeenCalledWith(
    "github reconciliation failed",
    expect.objectContaining({ problem: (error as Error).message }),
  );
  return (error as Error).message;
}

/** Nothing of the key, a JWT or the credentials JSON in anything logged. */
function expectNoSecretLogged() {
  const text = spies.logText();
  expect(text).not.toContain(keyBody);
  expect(text).not.toContain("PRIVATE KEY");
  expect(text).not.toMatch(/eyJ[A-Za-z0-9_-]{10,}/);
}

describe("the GitHub reconcile handler", () => {
  it("redelivers, within its window, what neither GitHub nor the pipeline has, and records and reports it", async () => {
    const g = { lost: randomUUID(), healed: randomUUID(), accepted: randomUUID(), old: randomUUID() };
    const lost = fake.addAttempt({ guid: g.lost, statusCode: 503, deliveredAt: minutesAgo(30) });
    fake.addAttempt({ guid: g.healed, statusCode: 500, deliveredAt: minutesAgo(40) });
    fake.addAttempt({ guid: g.healed, statusCode: 200, deliveredAt: minutesAgo(35), redelivery: true });
    // Queued by the pipeline, its 2xx lost on the way back to GitHub; then unrouted.
    fake.addAttempt({ guid: g.accepted, statusCode: 0, deliveredAt: minutesAgo(50) });
    await new DynamoDbEventStore(tables.eventsTable, client).record({
      event_id: randomUUID(),
      status: "unrouted",
      message_id: "m",
      attempts: 1,
      provider: "github",
      delivery_key: g.accepted,
      body: "{}",
    });
    // Older than the 2-hour window: left alone.
    fake.addAttempt({ guid: g.old, statusCode: 503, deliveredAt: minutesAgo(180) });

    const handler = handlerWith(environment());
    const summary = await handler();
    expect(summary).toMatchObject({ foundFailed: 1, requested: 1, failed: 0 });
    expect(Date.parse(summary.since)).toBeCloseTo(minutesAgo(120).getTime(), -4);
    expect(posts()).toEqual([lost.id]);
    expect(fake.requests.every((r) => r.auth === "jwt" && r.status < 400)).toBe(true);

    const doc = DynamoDBDocumentClient.from(client);
    const { Item } = await doc.send(
      new GetCommand({
        TableName: tables.eventsTable,
        Key: { [EVENTS_TABLE.partitionKey]: redeliveryRecordId(g.lost) },
      }),
    );
    expect(Item).toMatchObject({ status: "redelivery_requested", delivery_key: g.lost, first_status: 503 });

    expect(counted).toEqual([
      ["GitHubDeliveriesFoundFailed", 1],
      ["GitHubRedeliveriesRequested", 1],
      ["GitHubRedeliveriesFailed", 0],
    ]);
    expect(logger.info).toHaveBeenCalledWith(
      "github reconciliation done",
      expect.objectContaining({
        deliveries: 3,
        outcomes: { redelivered: 1, succeeded: 1, accepted_by_pipeline: 1 },
        redelivered: [g.lost],
      }),
    );

    // The next run, within the hour: nothing asked again.
    await fake.settled();
    expect(await handler()).toMatchObject({ foundFailed: 1, requested: 0, failed: 0 });
    expect(posts()).toEqual([lost.id]);
    expectNoSecretLogged();
  });

  it("counts a redelivery GitHub refuses and logs it at error with GitHub's answer; the run itself succeeds", async () => {
    const guid = randomUUID();
    const item = fake.addAttempt({ guid, statusCode: 429, deliveredAt: minutesAgo(10) });
    fake.refuseRedelivery(item.id, 422);
    expect(await handlerWith(environment())()).toMatchObject({ foundFailed: 1, requested: 0, failed: 1 });
    expect(counted).toContainEqual(["GitHubRedeliveriesFailed", 1]);
    expect(logger.error).toHaveBeenCalledWith(
      expect.stringContaining("GitHub refused redeliveries"),
      expect.objectContaining({
        refused: [{ guid, event: "pull_request", reason: expect.stringContaining("GitHub answered 422") }],
      }),
    );
    expectNoSecretLogged();
  });

  it("reads the App's credentials from Secrets Manager by ARN, through the cache", async () => {
    const arn = "arn:aws:secretsmanager:us-east-1:123456789012:secret:prod/github-app";
    const fetchSecret = vi.fn<FetchSecret>(async () => credentials());
    const env = environment({
      GITHUB_APP_CREDENTIALS: undefined,
      GITHUB_APP_CREDENTIALS_ARN: arn,
      SECRETS_CACHE_SECONDS: "60",
    });
    expect(await handlerWith(env, fetchSecret)()).toMatchObject({ foundFailed: 0, requested: 0, failed: 0 });
    expect(fetchSecret).toHaveBeenCalledWith(arn, 60);
    expect(fake.requests.map((r) => [r.method, r.path, r.status])).toEqual([
      ["GET", "/app/hook/deliveries", 200],
    ]);
  });

  describe("fails the run with one clear line, and nothing secret in it", () => {
    it("when no credentials secret is configured", async () => {
      const message = await failure(handlerWith(environment({ GITHUB_APP_CREDENTIALS: undefined }))());
      expect(message).toContain("GITHUB_APP_CREDENTIALS is not configured");
      expect(fake.requests).toEqual([]);
    });

    it("when the Secrets Manager secret holds nothing", async () => {
      const env = environment({ GITHUB_APP_CREDENTIALS: undefined, GITHUB_APP_CREDENTIALS_ARN: "arn:x" });
      const message = await failure(handlerWith(env, async () => undefined)());
      expect(message).toContain("GITHUB_APP_CREDENTIALS is not configured");
    });

    it("when the private key is no usable PEM, before any request to GitHub", async () => {
      const broken = keys.privateKeyPem.slice(0, 300);
      const message = await failure(
        handlerWith(environment({ GITHUB_APP_CREDENTIALS: credentials(broken) }))(),
      );
      expect(message).toMatch(/^GITHUB_APP_CREDENTIALS\.private_key is unusable/);
      expect(fake.requests).toEqual([]);
      expectNoSecretLogged();
    });

    it("when the secret is no JSON (a bare PEM pasted in)", async () => {
      const message = await failure(
        handlerWith(environment({ GITHUB_APP_CREDENTIALS: keys.privateKeyPem }))(),
      );
      expect(message).toContain(
        'GITHUB_APP_CREDENTIALS is not valid JSON: it must be a JSON object {"app_id"',
      );
      expectNoSecretLogged();
    });

    it("when GitHub refuses the App's JWT (a key that is not the App's)", async () => {
      const other = appKeyPair().privateKeyPem;
      const message = await failure(
        handlerWith(environment({ GITHUB_APP_CREDENTIALS: credentials(other) }))(),
      );
      expect(message).toContain("GitHub answered 401");
      expect(message).toContain("check app_id and private_key in the credentials secret");
      expect(fake.requests.map((r) => r.status)).toEqual([401]);
      expectNoSecretLogged();
    });

    it("when GitHub answers 5xx", async () => {
      const gateway = await unavailableGitHub();
      try {
        const message = await failure(handlerWith(environment({ GITHUB_API_URL: gateway.url }))());
        expect(message).toContain("GitHub answered 502");
        expect(message).toContain("GitHub is unavailable; the next scheduled run tries again");
        expect(logger.error).toHaveBeenCalledWith(
          "github reconciliation failed",
          expect.objectContaining({ status: 502 }),
        );
        expect(gateway.requests).toBe(1);
        expectNoSecretLogged();
      } finally {
        await gateway.close();
      }
    });

    it("when GitHub cannot be reached", async () => {
      const message = await failure(handlerWith(environment({ GITHUB_API_URL: "http://127.0.0.1:9" }))());
      expect(message).toContain("GitHub could not be reached: check GITHUB_API_URL");
      expectNoSecretLogged();
    });

    it("when its configuration is incomplete", async () => {
      const handler = createReconcileHandler(() =>
        reconcileSetupFromEnv(environment({ EVENTS_TABLE: undefined })),
      );
      expect(await failure(handler())).toContain("EVENTS_TABLE is not set");
    });
  });
});

/** A GitHub behind a failing gateway: 502 with an HTML page, to every request. */
async function unavailableGitHub(): Promise<{ url: string; requests: number; close: () => Promise<void> }> {
  const state = { requests: 0 };
  const server: Server = createServer((_req, res) => {
    state.requests += 1;
    res.writeHead(502, { "content-type": "text/html" }).end("<html><body>502 Bad Gateway</body></html>");
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    get requests() {
      return state.requests;
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
