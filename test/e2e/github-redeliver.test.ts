/**
 * `webhook-pipeline github redeliver --local` end to end: the local pipeline (npm start), a fake
 * GitHub whose delivery log holds a delivery the pipeline never got, one it got although GitHub
 * logged a failure, and one that failed and then succeeded. The command, run as a user runs it,
 * asks the fake to redeliver only the lost one; the fake really sends it, signed, to the
 * pipeline's /webhooks/github; the agent receives it exactly once, and the audit trail holds the
 * request.
 */
import { execFile } from "node:child_process";
import { randomUUID } from "node:crypto";
import { mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { promisify } from "node:util";
import { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { DynamoDBDocumentClient, GetCommand } from "@aws-sdk/lib-dynamodb";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { AgentDelivery } from "../../local/agent/demo-agent";
import { DEV_SECRETS } from "../../local/dev-defaults";
import { eventually, type PipelineProcess, startPipelineProcess } from "../../local/process/pipeline-process";
import { sampleSecretsFromEnv } from "../../local/samples/sample-secrets";
import { buildSampleWebhooks } from "../../local/samples/sample-webhooks";
import { redeliveryRecordId } from "../../shared/adapters/github/dynamodb-redelivery-ledger";
import { appKeyPair } from "../integration/github/github-keys";
import { EMULATOR_CREDENTIALS, EMULATOR_REGION } from "../support/emulator-credentials";
import { FakeGitHub } from "../support/fake-github/fake-github-server";

const execFileAsync = promisify(execFile);
const APP_ID = "271828";
const keys = appKeyPair();
const minutesAgo = (m: number) => new Date(Date.now() - m * 60_000);

let pipeline: PipelineProcess;
let github: FakeGitHub;
let doc: DynamoDBDocumentClient;
let cwd: string;

beforeAll(async () => {
  pipeline = await startPipelineProcess();
  github = await new FakeGitHub({
    app: { appId: APP_ID, publicKey: keys.publicKey },
    webhook: {
      url: `${pipeline.description.apiUrl}/webhooks/github`,
      secret: DEV_SECRETS.GITHUB_WEBHOOK_SECRET!,
    },
  }).start();
  doc = DynamoDBDocumentClient.from(
    new DynamoDBClient({
      region: EMULATOR_REGION,
      credentials: EMULATOR_CREDENTIALS,
      endpoint: pipeline.description.dynamodbEndpoint,
    }),
  );
  cwd = mkdtempSync(join(tmpdir(), "e2e-github-"));
  mkdirSync(join(cwd, ".local"));
  writeFileSync(join(cwd, ".local", "pipeline.json"), JSON.stringify(pipeline.description));
}, 150_000);

afterAll(async () => {
  await github?.stop();
  await pipeline?.stop();
});

interface Report {
  found_failed: number;
  requested: number;
  failed: number;
  rows: Array<{ guid: string; did: string; first_status: number; attempts: number }>;
}

/** `webhook-pipeline github redeliver --local --json …` as a user runs it, with the App's credentials. */
async function redeliver(...args: string[]): Promise<Report> {
  const { stdout } = await execFileAsync(
    process.execPath,
    [resolve("cli/bin.js"), "github", "redeliver", "--local", "--json", ...args],
    {
      cwd,
      env: {
        ...process.env,
        GITHUB_API_URL: github.url,
        GITHUB_APP_ID: APP_ID,
        GITHUB_APP_PRIVATE_KEY: keys.privateKeyPem,
      },
    },
  );
  return JSON.parse(stdout) as Report;
}

const deliveries = async (key: string) =>
  (
    (await (
      await fetch(`${pipeline.description.agentUrl.replace(/\/events$/, "")}/deliveries`)
    ).json()) as AgentDelivery[]
  ).filter((d) => d.delivery_key === key);

const didOf = (report: Report, guid: string) => report.rows.find((r) => r.guid === guid)?.did;

describe("github redeliver --local", () => {
  const sample = buildSampleWebhooks(sampleSecretsFromEnv({}).secrets).find((s) => s.name === "github")!;
  const lost = randomUUID();
  const acceptedAnyway = randomUUID();
  const healed = randomUUID();

  it("redelivers only the delivery the pipeline never got; the agent receives it once", async () => {
    // The pipeline was down: GitHub logged a 503 and never retried.
    github.addAttempt({ guid: lost, statusCode: 503, deliveredAt: minutesAgo(90), payload: sample.body });
    // The pipeline queued this one, but GitHub timed out waiting for the answer.
    const response = await fetch(`${pipeline.description.apiUrl}/webhooks/github`, {
      method: "POST",
      headers: { ...sample.headers, "x-github-delivery": acceptedAnyway },
      body: sample.body,
    });
    expect(response.status).toBe(200);
    await eventually("the accepted delivery at the agent", async () =>
      (await deliveries(`/webhooks/github:${acceptedAnyway}`)).length ? true : undefined,
    );
    github.addAttempt({
      guid: acceptedAnyway,
      statusCode: 0,
      deliveredAt: minutesAgo(60),
      payload: sample.body,
    });
    github.addAttempt({ guid: healed, statusCode: 500, deliveredAt: minutesAgo(50) });
    github.addAttempt({ guid: healed, statusCode: 200, deliveredAt: minutesAgo(49), redelivery: true });

    const dry = await redeliver("--dry-run");
    expect([didOf(dry, lost), didOf(dry, acceptedAnyway), didOf(dry, healed)]).toEqual([
      "would_redeliver",
      "accepted_by_pipeline",
      "succeeded",
    ]);
    expect(github.requests.filter((r) => r.method === "POST")).toEqual([]);
    const ledger = async () =>
      (
        await doc.send(
          new GetCommand({
            TableName: pipeline.description.eventsTable,
            Key: { event_id: redeliveryRecordId(lost) },
          }),
        )
      ).Item;
    expect(await ledger()).toBeUndefined();

    const report = await redeliver("--since", "3h");
    expect(report).toMatchObject({ found_failed: 1, requested: 1, failed: 0 });
    expect(report.rows.find((r) => r.guid === lost)).toMatchObject({
      did: "redelivered",
      first_status: 503,
      attempts: 1,
    });
    expect(didOf(report, acceptedAnyway)).toBe("accepted_by_pipeline");

    await github.settled();
    // The fake sent it, signed with the pipeline's GitHub secret, and ingest took it.
    expect(github.sent).toEqual([{ guid: lost, status: 200 }]);
    await eventually("the redelivered event at the agent", async () =>
      (await deliveries(`/webhooks/github:${lost}`)).length ? true : undefined,
    );
    expect(await ledger()).toMatchObject({
      status: "redelivery_requested",
      delivery_key: lost,
      first_status: 503,
    });

    // Next run: the redelivery succeeded, so nothing is asked again, and nobody got a second copy.
    const again = await redeliver();
    expect(didOf(again, lost)).toBe("succeeded");
    expect(again).toMatchObject({ found_failed: 0, requested: 0 });
    expect(github.requests.filter((r) => r.method === "POST")).toHaveLength(1);
    expect(await deliveries(`/webhooks/github:${lost}`)).toHaveLength(1);
    expect(await deliveries(`/webhooks/github:${acceptedAnyway}`)).toHaveLength(1);
    expect(github.shapeProblems).toEqual([]);
  });

  it("refuses missing credentials and a bad --since before touching anything, naming what to set", async () => {
    const run = (args: string[], env: NodeJS.ProcessEnv) =>
      execFileAsync(process.execPath, [resolve("cli/bin.js"), "github", "redeliver", "--local", ...args], {
        cwd,
        env: {
          ...process.env,
          GITHUB_API_URL: github.url,
          GITHUB_APP_ID: "",
          GITHUB_APP_PRIVATE_KEY: "",
          GITHUB_TOKEN: "",
          ...env,
        },
      }).then(
        () => ({ code: 0, stderr: "" }),
        (e: { code: number; stderr: string }) => ({ code: e.code, stderr: e.stderr }),
      );
    const before = github.requests.length;
    // Three processes at once: each pays tsx's start.
    const [missing, badSince, badKey] = await Promise.all([
      run([], {}),
      run(["--since", "yesterday"], { GITHUB_APP_ID: APP_ID, GITHUB_APP_PRIVATE_KEY: keys.privateKeyPem }),
      run([], {
        GITHUB_APP_ID: APP_ID,
        GITHUB_APP_PRIVATE_KEY: "-----BEGIN RSA PRIVATE KEY-----\nnope\n-----END RSA PRIVATE KEY-----",
      }),
    ]);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain("GITHUB_APP_ID and GITHUB_APP_PRIVATE_KEY not set");
    expect(badSince).toMatchObject({
      code: 2,
      stderr: expect.stringContaining("--since must be a duration"),
    });
    expect(badKey).toMatchObject({
      code: 2,
      stderr: expect.stringContaining(
        "GITHUB_APP_PRIVATE_KEY: the GitHub App private key is not a readable PEM",
      ),
    });
    expect(badKey.stderr).not.toContain("nope");
    expect(github.requests.length).toBe(before);
  });
});
