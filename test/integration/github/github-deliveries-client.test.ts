/**
 * The Octokit adapter against the fake GitHub: an App's JWT verified with its public key, tokens
 * for repository and organisation hooks, cursor pages followed and left once past `since`,
 * redeliveries, refusals, rate limits waited out (waits recorded, not slept), and every answer's
 * shape checked against GitHub's OpenAPI description.
 */
import { generateKeyPairSync } from "node:crypto";
import { type AddressInfo, createServer, type Socket } from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import { InvalidAppPrivateKey } from "../../../shared/adapters/github/app-private-key";
import {
  createGitHubDeliveries,
  type GitHubDeliveriesConfig,
} from "../../../shared/adapters/github/github-deliveries-client";
import { type GitHubDelivery, GitHubRequestError } from "../../../shared/github/github-deliveries";
import { FakeGitHub } from "../../support/fake-github/fake-github-server";
import { appKeyPair } from "./github-keys";

const APP_ID = "424242";
const TOKEN = "ghp_fakeTokenForTests000000000000000000";
const keys = appKeyPair();
// Whole seconds: GitHub lists times without milliseconds.
const NOW = Math.floor(Date.now() / 1000) * 1000;
const minutesAgo = (m: number) => new Date(NOW - m * 60_000);

let fake: FakeGitHub | undefined;
let waits: number[];

const fakeGitHub = () =>
  new FakeGitHub({
    app: { appId: APP_ID, publicKey: keys.publicKey },
    tokens: [TOKEN],
    repoHook: { owner: "acme", repo: "widgets", hookId: 77 },
    orgHook: { org: "acme", hookId: 88 },
  }).start();

const client = (config: Partial<GitHubDeliveriesConfig> = {}) =>
  createGitHubDeliveries({
    apiUrl: fake!.url,
    ...(config.repo || config.org ? {} : { app: { appId: APP_ID, privateKey: keys.privateKeyPem } }),
    ...config,
    pacing: {
      sleep: async (ms) => {
        waits.push(ms);
      },
      ...config.pacing,
    },
  });

const collect = async (listing: AsyncIterable<GitHubDelivery>) => {
  const out: GitHubDelivery[] = [];
  for await (const d of listing) out.push(d);
  return out;
};

afterEach(async () => {
  // Some tests need no GitHub at all.
  if (!fake) return;
  expect(fake.shapeProblems).toEqual([]);
  await fake.stop();
  fake = undefined;
});

describe("createGitHubDeliveries", () => {
  it("App: signs a JWT the fake verifies with the App's public key, follows cursor pages of 100, stops past `since`", async () => {
    fake = await fakeGitHub();
    waits = [];
    // 250 attempts a minute apart, newest first; 30 of them older than the window.
    for (let i = 0; i < 250; i++)
      fake.addAttempt({ guid: `g-${i}`, statusCode: 500, deliveredAt: minutesAgo(i) });
    const listed = await collect(client().listSince(minutesAgo(219)));
    expect(listed).toHaveLength(220);
    expect(listed[0]).toEqual({
      id: fake.log[0]!.id,
      guid: "g-0",
      deliveredAt: minutesAgo(0),
      redelivery: false,
      statusCode: 500,
      event: "pull_request",
      action: "opened",
    });
    // Ids past 2^31 survive.
    expect(listed[0]!.id).toBeGreaterThan(2 ** 31);
    const gets = fake.requests.filter((r) => r.method === "GET");
    // Page 3 reached past `since`: no fourth request (there is none anyway), and every page asked for 100.
    expect(gets.map((r) => [r.query.per_page, r.query.cursor !== undefined, r.auth, r.status])).toEqual([
      ["100", false, "jwt", 200],
      ["100", true, "jwt", 200],
      ["100", true, "jwt", 200],
    ]);
  });

  it("stops reading pages once a page reaches back past `since`", async () => {
    fake = await fakeGitHub();
    waits = [];
    for (let i = 0; i < 350; i++)
      fake.addAttempt({ guid: `g-${i}`, statusCode: 200, deliveredAt: minutesAgo(i) });
    expect(await collect(client().listSince(minutesAgo(150)))).toHaveLength(151);
    expect(fake.requests).toHaveLength(2);
  });

  it("App: a redelivery is one POST …/attempts; the fake logs a new attempt of the same guid", async () => {
    fake = await fakeGitHub();
    waits = [];
    const item = fake.addAttempt({ guid: "lost", statusCode: 502, deliveredAt: minutesAgo(5) });
    await client().redeliver(item.id);
    await fake.settled();
    expect(fake.requests.at(-1)).toMatchObject({
      method: "POST",
      path: `/app/hook/deliveries/${item.id}/attempts`,
      status: 202,
    });
    expect(fake.log.filter((d) => d.guid === "lost").map((d) => d.redelivery)).toEqual([true, false]);
  });

  it("App: a JWT signed with another key is refused (401) with GitHub's message", async () => {
    fake = await fakeGitHub();
    waits = [];
    const other = generateKeyPairSync("rsa", { modulusLength: 2048 }).privateKey.export({
      type: "pkcs8",
      format: "pem",
    });
    const listing = client({ app: { appId: APP_ID, privateKey: String(other) } }).listSince(minutesAgo(60));
    const error = await collect(listing).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(GitHubRequestError);
    expect(error).toMatchObject({
      status: 401,
      message: expect.stringContaining("A JSON web token could not be decoded"),
    });
  });

  it("App: a JWT for another App id is refused", async () => {
    fake = await fakeGitHub();
    waits = [];
    const error = await collect(
      client({ app: { appId: "1", privateKey: keys.privateKeyPem } }).listSince(minutesAgo(1)),
    ).catch((e) => e);
    expect(error).toMatchObject({ status: 401, message: expect.stringContaining("Integration not found") });
  });

  it("repository and organisation hooks with a token; a wrong token is 401, an unknown hook 404", async () => {
    fake = await fakeGitHub();
    waits = [];
    const item = fake.addAttempt({ guid: "r", statusCode: 500, deliveredAt: minutesAgo(1) });
    const repo = client({ repo: { owner: "acme", name: "widgets", hookId: 77, token: TOKEN } });
    expect((await collect(repo.listSince(minutesAgo(10)))).map((d) => d.guid)).toEqual(["r"]);
    await repo.redeliver(item.id);
    await fake.settled();
    const org = client({ org: { org: "acme", hookId: 88, token: TOKEN } });
    expect(await collect(org.listSince(minutesAgo(10)))).toHaveLength(2);
    expect(fake.requests.map((r) => [r.method, r.path, r.auth])).toEqual([
      ["GET", "/repos/acme/widgets/hooks/77/deliveries", "token"],
      ["POST", `/repos/acme/widgets/hooks/77/deliveries/${item.id}/attempts`, "token"],
      ["GET", "/orgs/acme/hooks/88/deliveries", "token"],
    ]);
    const wrong = client({ repo: { owner: "acme", name: "widgets", hookId: 77, token: "ghp_wrong" } });
    await expect(collect(wrong.listSince(minutesAgo(10)))).rejects.toMatchObject({
      status: 401,
      message: expect.stringContaining("Bad credentials"),
    });
    const missing = client({ repo: { owner: "acme", name: "widgets", hookId: 78, token: TOKEN } });
    await expect(collect(missing.listSince(minutesAgo(10)))).rejects.toMatchObject({ status: 404 });
  });

  it("an error never carries the token", async () => {
    fake = await fakeGitHub();
    waits = [];
    const wrong = client({ org: { org: "acme", hookId: 88, token: "ghp_secretvalue123" } });
    const error = (await wrong.redeliver(1).catch((e) => e)) as Error;
    expect(error.message).not.toContain("ghp_secretvalue123");
    expect(JSON.stringify(error)).not.toContain("ghp_secretvalue123");
  });

  it("a refused or unknown redelivery is a GitHubRequestError with the status", async () => {
    fake = await fakeGitHub();
    waits = [];
    const item = fake.addAttempt({ guid: "old", statusCode: 500, deliveredAt: minutesAgo(1) });
    fake.refuseRedelivery(item.id, 422);
    await expect(client().redeliver(item.id)).rejects.toMatchObject({
      status: 422,
      message: expect.stringContaining(`${item.id}`),
    });
    await expect(client().redeliver(1)).rejects.toMatchObject({ status: 404 });
  });

  it("a 403 with Retry-After is waited out for as long as it asks and retried", async () => {
    fake = await fakeGitHub();
    waits = [];
    fake.addAttempt({ guid: "a", statusCode: 500, deliveredAt: minutesAgo(1) });
    fake.rateLimitNext({ status: 403, retryAfter: 7 });
    fake.rateLimitNext({ status: 429, retryAfter: 2 });
    expect(await collect(client().listSince(minutesAgo(10)))).toHaveLength(1);
    expect(waits).toEqual([7000, 2000]);
    expect(fake.requests.map((r) => r.status)).toEqual([403, 429, 200]);
  });

  it("an exhausted budget (x-ratelimit-remaining 0) waits until x-ratelimit-reset", async () => {
    fake = await fakeGitHub();
    waits = [];
    const now = Date.now();
    const item = fake.addAttempt({ guid: "a", statusCode: 500, deliveredAt: minutesAgo(1) });
    fake.rateLimitNext({ status: 403, resetAt: new Date(now + 30_000), method: "POST" });
    await client({ pacing: { now: () => now } }).redeliver(item.id);
    expect(waits).toHaveLength(1);
    expect(waits[0]).toBeGreaterThan(29_000);
    expect(waits[0]).toBeLessThanOrEqual(30_000);
  });

  it("a wait longer than maxWaitMs fails at once with the time to try again, after no sleep", async () => {
    fake = await fakeGitHub();
    waits = [];
    fake.rateLimitNext({ status: 403, retryAfter: 3600 });
    const error = await collect(client({ pacing: { maxWaitMs: 60_000 } }).listSince(minutesAgo(10))).catch(
      (e) => e,
    );
    expect(error).toBeInstanceOf(GitHubRequestError);
    expect((error as Error).message).toMatch(
      /rate limit allows no more requests until \d{4}-\d\d-\d\dT.*try again then/,
    );
    expect(waits).toEqual([]);
  });

  it("gives up after maxRetries rate-limit answers in a row", async () => {
    fake = await fakeGitHub();
    waits = [];
    for (let i = 0; i < 3; i++) fake.rateLimitNext({ status: 403, retryAfter: 1 });
    const error = await collect(client({ pacing: { maxRetries: 2 } }).listSince(minutesAgo(10))).catch(
      (e) => e,
    );
    expect((error as Error).message).toContain("still rate-limited the request after 3 tries");
    expect(waits).toEqual([1000, 1000]);
  });

  it("spaces redeliveries writeIntervalMs apart; reads are not held back", async () => {
    fake = await fakeGitHub();
    waits = [];
    const a = fake.addAttempt({ guid: "a", statusCode: 500, deliveredAt: minutesAgo(2) });
    const b = fake.addAttempt({ guid: "b", statusCode: 500, deliveredAt: minutesAgo(1) });
    const now = Date.now();
    const github = client({ pacing: { now: () => now, writeIntervalMs: 1000 } });
    await collect(github.listSince(minutesAgo(10)));
    await collect(github.listSince(minutesAgo(10)));
    expect(waits).toEqual([]);
    await github.redeliver(a.id);
    await github.redeliver(b.id);
    expect(waits).toEqual([1000]);
  });
});

describe("a GitHub that never answers", () => {
  it("fails the request after timeoutMs as no answer, instead of holding the run", async () => {
    const sockets: Socket[] = [];
    const silent = createServer((socket) => {
      sockets.push(socket);
    });
    await new Promise<void>((resolve) => silent.listen(0, "127.0.0.1", resolve));
    const apiUrl = `http://127.0.0.1:${(silent.address() as AddressInfo).port}`;
    try {
      const github = createGitHubDeliveries({
        apiUrl,
        repo: { owner: "a", name: "b", hookId: 1, token: TOKEN },
        timeoutMs: 300,
      });
      const error = await collect(github.listSince(minutesAgo(1))).catch((e) => e);
      expect(error).toBeInstanceOf(GitHubRequestError);
      expect(error).toMatchObject({
        status: 0,
        message: expect.stringContaining(`no answer from ${apiUrl}`),
      });
    } finally {
      for (const socket of sockets) socket.destroy();
      await new Promise((resolve) => silent.close(resolve));
    }
  });
});

describe("the App's private key", () => {
  const app = (privateKey: string) => () =>
    createGitHubDeliveries({ apiUrl: "http://127.0.0.1:9", app: { appId: APP_ID, privateKey } });

  it("is refused before any request when it is not usable, naming the problem and never quoting it", () => {
    expect(app("not a key")).toThrow(InvalidAppPrivateKey);
    expect(app("not a key")).toThrow(/is not PEM text/);
    const truncated = keys.privateKeyPem.slice(0, 200);
    expect(app(truncated)).toThrow(/is not a readable PEM private key/);
    const publicPem = keys.publicKey.export({ type: "spki", format: "pem" }).toString();
    expect(app(publicPem)).toThrow(/not a readable PEM private key/);
    const ec = generateKeyPairSync("ec", { namedCurve: "P-256" }).privateKey.export({
      type: "pkcs8",
      format: "pem",
    });
    expect(app(String(ec))).toThrow(/is a ec key; GitHub Apps sign with RSA keys/);
    try {
      app(truncated)();
    } catch (error) {
      expect((error as Error).message).not.toContain(truncated.slice(40, 80));
    }
  });

  it("is taken with its line breaks written as \\n (as an environment variable often holds it)", async () => {
    fake = await fakeGitHub();
    waits = [];
    fake.addAttempt({ guid: "n", statusCode: 500, deliveredAt: minutesAgo(1) });
    const escaped = keys.privateKeyPem.replace(/\n/g, "\\n");
    expect(
      await collect(client({ app: { appId: APP_ID, privateKey: escaped } }).listSince(minutesAgo(5))),
    ).toHaveLength(1);
  });

  it("needs exactly one of app, repo and org", () => {
    expect(() => createGitHubDeliveries({ apiUrl: "http://127.0.0.1:9" })).toThrow(/exactly one/);
  });
});
