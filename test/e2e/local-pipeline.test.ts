import { execFile } from "node:child_process";
import { randomUUID } from "node:crypto";
import { mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { promisify } from "node:util";
import { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { ReceiveMessageCommand, SQSClient } from "@aws-sdk/client-sqs";
import { DynamoDBDocumentClient, GetCommand } from "@aws-sdk/lib-dynamodb";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { AgentDelivery } from "../../local/agent/demo-agent";
import { DEMO_TEAM } from "../../local/demo-team";
import { DEV_SECRETS } from "../../local/dev-defaults";
import { eventually, type PipelineProcess, startPipelineProcess } from "../../local/process/pipeline-process";
import { sampleSecretsFromEnv } from "../../local/samples/sample-secrets";
import { buildSampleWebhooks, type SampleWebhook } from "../../local/samples/sample-webhooks";
import { signHex } from "../../shared/crypto/hex-hmac-signature";
import { GITHUB_SIGNATURE } from "../../shared/providers/github";
import { signSlack } from "../../shared/providers/slack";
import { EMULATOR_CREDENTIALS, EMULATOR_REGION } from "../support/emulator-credentials";
import { largeGithubBody } from "../support/large-github-body";

const MAX_RECEIVE_COUNT = 2;
const execFileAsync = promisify(execFile);

let pipeline: PipelineProcess;
let agentBase: string;
let events: DynamoDBDocumentClient;
let sqs: SQSClient;

beforeAll(async () => {
  pipeline = await startPipelineProcess(
    ["--max-receive-count", String(MAX_RECEIVE_COUNT), "--batch-size", "5"],
    {
      // Retry at once: the dead-letter path is exercised in seconds, not minutes.
      RETRY_BASE_DELAY_SECONDS: "0",
      RETRY_MAX_DELAY_SECONDS: "0",
      // Only the development secrets: the samples below sign with them.
      ...Object.fromEntries(Object.keys(DEV_SECRETS).map((name) => [name, ""])),
      AGENT_URL: "",
    },
  );
  agentBase = pipeline.description.agentUrl.replace(/\/events$/, "");
  const clientConfig = { region: EMULATOR_REGION, credentials: EMULATOR_CREDENTIALS };
  events = DynamoDBDocumentClient.from(
    new DynamoDBClient({ ...clientConfig, endpoint: pipeline.description.dynamodbEndpoint }),
  );
  sqs = new SQSClient({
    ...clientConfig,
    endpoint: pipeline.description.sqsEndpoint,
    useQueueUrlAsEndpoint: false,
  });
}, 150_000);

afterAll(async () => {
  await pipeline?.stop();
});

const samples = () => buildSampleWebhooks(sampleSecretsFromEnv({}).secrets);

/** The operator CLI run as a user would, `--local` finding this pipeline's description. */
async function cli(args: string[]): Promise<string> {
  const dir = mkdtempSync(join(tmpdir(), "e2e-cli-"));
  mkdirSync(join(dir, ".local"));
  writeFileSync(join(dir, ".local", "pipeline.json"), JSON.stringify(pipeline.description));
  const { stdout } = await execFileAsync(process.execPath, [resolve("cli/bin.js"), ...args], { cwd: dir });
  return stdout;
}
const sample = (name: string) => samples().find((s) => s.name === name)!;

/** The fields of the pipeline's JSON answers these tests read. */
interface ResponseBody {
  id?: string;
  status?: string;
  error?: string;
  challenge?: string;
}

async function post(
  s: Pick<SampleWebhook, "path" | "headers" | "body">,
): Promise<{ status: number; body: ResponseBody; correlationId: string }> {
  const response = await fetch(`${pipeline.description.apiUrl}${s.path}`, {
    method: "POST",
    headers: s.headers,
    body: s.body,
  });
  const text = await response.text();
  // Slack interactivity is acknowledged with an empty body: the correlation id finds its event.
  return {
    status: response.status,
    body: (text ? JSON.parse(text) : {}) as ResponseBody,
    correlationId: response.headers.get("x-correlation-id") ?? "",
  };
}

async function deliveries(): Promise<AgentDelivery[]> {
  return (await fetch(`${agentBase}/deliveries`)).json() as Promise<AgentDelivery[]>;
}

async function setAgentStatus(status: number | null): Promise<void> {
  await fetch(`${agentBase}/behaviour`, { method: "PUT", body: JSON.stringify({ status }) });
}

const outcome = async (id: string) =>
  (await events.send(new GetCommand({ TableName: pipeline.description.eventsTable, Key: { event_id: id } })))
    .Item;

function slackEvent(channel: string, type = "event_callback") {
  const timestamp = Math.floor(Date.now() / 1000);
  const body = JSON.stringify({
    type,
    team_id: "T0E2E",
    event_id: `Ev${randomUUID().slice(0, 8)}`,
    challenge: "e2e-challenge-3eZbrw1aBm2rZgRNFdxV2595E9CY3gmdALWMmHkvFXO7tYXAYM8P",
    event: { type: "app_mention", channel, user: "U0E2E", text: "investigate" },
  });
  return {
    path: "/webhooks/slack/events",
    body,
    headers: {
      "content-type": "application/json",
      "x-slack-request-timestamp": String(timestamp),
      "x-slack-signature": signSlack(DEV_SECRETS.SLACK_SIGNING_SECRET, timestamp, body),
    },
  };
}

/** How each sample's event is matched to the demo team; Notion events carry no identifier a team claims. */
const EXPECTED_MATCH: Record<string, string | undefined> = {
  "slack-events": "slack_channel_id",
  "slack-interactions": "slack_channel_id",
  github: "github_repo",
  pagerduty: "pagerduty_service_id",
  incidentio: "incidentio_alert_source_id",
  jira: "service",
  generic: "coralogix_team_name",
  notion: undefined,
};

describe("the local pipeline, driven over HTTP", () => {
  it("acknowledges a signed webhook of every provider and delivers it to the owning team's agent", async () => {
    const sent = new Map<string, string>();
    for (const s of samples()) {
      const response = await post(s);
      expect(response.status, s.name).toBe(200);
      if (s.name === "slack-interactions") expect(response.body, s.name).toEqual({});
      else expect(response.body, s.name).toMatchObject({ status: "accepted" });
      expect(response.correlationId, s.name).not.toBe("");
      sent.set(response.correlationId, s.name);
    }
    expect([...sent.values()].sort()).toEqual(Object.keys(EXPECTED_MATCH).sort());
    const routed = [...sent].filter(([, name]) => EXPECTED_MATCH[name]);
    const received = await eventually("every routable sample at the agent", async () => {
      const all = (await deliveries()).filter((d) => d.correlation_id && sent.has(d.correlation_id));
      return all.length === routed.length ? all : undefined;
    });
    for (const delivery of received) {
      const name = sent.get(delivery.correlation_id!)!;
      expect(delivery.team, name).toMatchObject({
        org_id: DEMO_TEAM.org_id,
        team_node_id: DEMO_TEAM.team_node_id,
        matched_by: EXPECTED_MATCH[name],
      });
    }
  });

  it("lists a refused and a filtered request with the CLI, with their reasons", async () => {
    const refused = await post({
      ...sample("github"),
      headers: { ...sample("github").headers, "x-hub-signature-256": "sha256=00" },
    });
    expect(refused.status).toBe(401);
    const ping = sample("github");
    const ignored = await post({ ...ping, headers: { ...ping.headers, "x-github-event": "ping" } });
    expect(ignored).toMatchObject({ status: 200, body: { status: "ignored" } });
    const wanted = [refused.correlationId, ignored.correlationId];
    const listing = await eventually("both requests in events list", async () => {
      const stdout = await cli(["events", "list", "--local", "--status", "rejected,ignored", "--json"]);
      const rows = JSON.parse(stdout).events as Array<Record<string, unknown>>;
      return wanted.every((id) => rows.some((r) => r.correlation_id === id)) ? rows : undefined;
    });
    expect(listing.find((r) => r.correlation_id === refused.correlationId)).toMatchObject({
      status: "rejected",
      reason: "bad_signature",
      provider: "github",
      route: "/webhooks/github",
    });
    expect(listing.find((r) => r.correlation_id === ignored.correlationId)).toMatchObject({
      status: "ignored",
      reason: expect.stringMatching(/^github ping/),
    });
  });

  it("answers Slack's URL verification handshake with the challenge and queues nothing", async () => {
    const handshake = slackEvent("C0A4967KRBM", "url_verification");
    const response = await post(handshake);
    expect(response).toMatchObject({
      status: 200,
      body: { challenge: JSON.parse(handshake.body).challenge },
    });
  });

  it("records an event for an unknown channel as unrouted and does not call the agent", async () => {
    const response = await post(slackEvent("C0NOBODYOWNS"));
    expect(response.status).toBe(200);
    const id = response.body.id!;
    const item = await eventually("the unrouted record", async () => {
      const record = await outcome(id);
      return record?.status === "unrouted" ? record : undefined;
    });
    expect(item).toMatchObject({ provider: "slack", status: "unrouted" });
    expect((await deliveries()).some((d) => d.id === id)).toBe(false);
  });

  it("refuses a bad signature with 401 and nothing reaches the agent", async () => {
    const github = sample("github");
    const tampered = { ...github, body: github.body.replace("Fix checkout timeout", "Fix checkout timeouT") };
    const response = await post(tampered);
    expect(response.status).toBe(401);
    expect(response.body.error).toMatch(/X-Hub-Signature-256 does not match/);
    // A good request sent after it is delivered; the bad one never is.
    const good = sample("github");
    const accepted = await post(good);
    await eventually("the good request at the agent", async () =>
      (await deliveries()).find((d) => d.id === accepted.body.id),
    );
    const keys = (await deliveries()).map((d) => d.delivery_key);
    expect(keys).toContain(`/webhooks/github:${good.headers["x-github-delivery"]}`);
    expect(keys).not.toContain(`/webhooks/github:${github.headers["x-github-delivery"]}`);
  });

  it("delivers a provider's redelivery (same delivery key) to the agent only once", async () => {
    const github = sample("github");
    const first = await post(github);
    const second = await post(github);
    expect([first.status, second.status]).toEqual([200, 200]);
    expect(first.body.id).not.toBe(second.body.id);
    await eventually("both copies handled", async () => {
      const [a, b] = await Promise.all([outcome(first.body.id!), outcome(second.body.id!)]);
      return a?.status && b?.status ? true : undefined;
    });
    const key = `/webhooks/github:${github.headers["x-github-delivery"]}`;
    const copies = (await deliveries()).filter((d) => d.delivery_key === key);
    expect(copies).toHaveLength(1);
    const statuses = await Promise.all([outcome(first.body.id!), outcome(second.body.id!)]);
    expect(statuses.map((o) => o?.status).sort()).toEqual(["delivered", "duplicate"]);
  });

  it("sends an event the agent keeps failing to the dead-letter queue after the configured attempts", async () => {
    await setAgentStatus(500);
    try {
      const response = await post(sample("pagerduty"));
      expect(response.status).toBe(200);
      const id = response.body.id!;
      const dead = await eventually(
        "the message in the dead-letter queue",
        async () => {
          const { Messages } = await sqs.send(
            new ReceiveMessageCommand({
              QueueUrl: pipeline.description.deadLetterQueueUrl,
              MaxNumberOfMessages: 10,
              VisibilityTimeout: 0,
              MessageSystemAttributeNames: ["ApproximateReceiveCount"],
            }),
          );
          return Messages?.find((m) => JSON.parse(m.Body!).id === id);
        },
        60_000,
      );
      expect(JSON.parse(dead.Body!)).toMatchObject({ id, provider: "pagerduty" });
      expect(await outcome(id)).toMatchObject({ status: "dead", attempts: MAX_RECEIVE_COUNT });
      expect((await deliveries()).some((d) => d.id === id)).toBe(false);
    } finally {
      await setAgentStatus(null);
    }
  });

  it("delivers a 3 MB GitHub payload to the agent through the payload bucket, every byte of it", async () => {
    const github = sample("github");
    const body = largeGithubBody(3 * 1024 * 1024, "incidentfox/mono-repo");
    const response = await post({
      path: github.path,
      body,
      headers: {
        ...github.headers,
        "x-github-event": "pull_request",
        "x-github-delivery": randomUUID(),
        "x-hub-signature-256": signHex(DEV_SECRETS.GITHUB_WEBHOOK_SECRET, body, GITHUB_SIGNATURE.prefix),
      },
    });
    expect(response).toMatchObject({ status: 200, body: { status: "accepted" } });
    const delivery = await eventually("the large payload at the agent", async () =>
      (await deliveries()).find((d) => d.id === response.body.id),
    );
    expect(delivery.payload_bytes).toBe(Buffer.byteLength(body));
    expect(delivery.team).toMatchObject({ org_id: DEMO_TEAM.org_id, matched_by: "github_repo" });
  });
});
