/**
 * Notion through the ingest handler: its one unsigned verification request is answered 200, never
 * queued and never logged, its token kept where only an operator reads it (a file only its owner
 * can read; a Secrets Manager secret ingest may write and not read); its events are verified with
 * that token like any signed webhook.
 */
import { mkdtempSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { PutSecretValueCommand, SecretsManagerClient } from "@aws-sdk/client-secrets-manager";
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from "aws-lambda";
import { mockClient } from "aws-sdk-client-mock";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { createIngestHandler } from "../../../functions/ingest/handler";
import { handshakeTokensFromEnv } from "../../../functions/ingest/handshake-tokens-from-env";
import { FileTokenStore } from "../../../shared/adapters/file/file-token-store";
import { SecretsManagerTokenStore } from "../../../shared/adapters/secrets/secrets-manager-token-store";
import { HandshakeTokens } from "../../../shared/ingest/handshake-tokens";
import { type InMemoryEventQueue, testIngestDeps } from "../../support/in-memory-event-queue";
import { spyOnObservability } from "../../support/observability-spies";
import { notionVerificationEvent, signedNotionEvent } from "../../support/signed-requests";

const TOKEN = "secret_tMrlL1qK5vuQAh1b6cZGhFChZTSYJlce98V0pYn7yBl";
const STORE = "NOTION_VERIFICATION_TOKEN";

let spies: ReturnType<typeof spyOnObservability>;
let dir: string;
let file: string;

beforeEach(() => {
  spies = spyOnObservability();
  dir = mkdtempSync(join(tmpdir(), "notion-handshake-"));
  file = join(dir, ".local", "notion-verification-token");
});
afterEach(() => spies.restore());

/** The Notion function before the operator has any token (NOTION_WEBHOOK_SECRET not set); `null`: no token store. */
function notionIngest(
  tokens: HandshakeTokens | null | undefined = new HandshakeTokens(new FileTokenStore({ [STORE]: file })),
) {
  const deps = {
    ...testIngestDeps({ config: { provider: "notion" }, env: { NOTION_WEBHOOK_SECRET: undefined } }),
    ...(tokens ? { handshakeTokens: tokens } : {}),
  };
  const handler = createIngestHandler(() => deps);
  return {
    queue: deps.queue as InMemoryEventQueue,
    send: async (event: APIGatewayProxyEventV2) =>
      (await handler(event)) as APIGatewayProxyStructuredResultV2,
  };
}

describe("Notion's verification request", () => {
  it("is answered 200, never queued, its token in a file only its owner can read, and in no log line", async () => {
    const { queue, send } = notionIngest();
    const response = await send(notionVerificationEvent(TOKEN));
    expect(response.statusCode).toBe(200);
    expect(JSON.parse(response.body!)).toEqual({ status: "verified" });
    expect(response.body).not.toContain(TOKEN);
    expect(queue.messages).toHaveLength(0);
    expect(readFileSync(file, "utf8")).toBe(`${TOKEN}\n`);
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(spies.logText()).toContain("handshake");
    expect(spies.logText()).not.toContain(TOKEN);
    expect(spies.logText()).not.toContain(TOKEN.slice("secret_".length, 20));
    expect(spies.metrics.map((m) => m.name)).toEqual(["WebhooksIgnored"]);
  });

  it("narrows a token file an earlier run left readable by others before writing the token into it", async () => {
    const { send } = notionIngest();
    await send(notionVerificationEvent(TOKEN));
    writeFileSync(file, "old\n", { mode: 0o644 });
    const next = "secret_aSecondVerificationTokenFromNotion1";
    expect((await send(notionVerificationEvent(next))).statusCode).toBe(200);
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(readFileSync(file, "utf8")).toBe(`${next}\n`);
  });

  it("refuses a malformed token with 400 without quoting it, and stores nothing", async () => {
    const { queue, send } = notionIngest();
    const bad = "secret_short";
    const response = await send(notionVerificationEvent(bad));
    expect(response.statusCode).toBe(400);
    expect(response.body).not.toContain(bad);
    expect(spies.logText()).not.toContain(bad);
    expect(queue.messages).toHaveLength(0);
    expect(() => statSync(file)).toThrow();
  });

  it("is answered 429 once an instance has written its share of tokens this minute", async () => {
    const store = new FileTokenStore({ [STORE]: file });
    const { send } = notionIngest(new HandshakeTokens(store, 1));
    expect((await send(notionVerificationEvent(TOKEN))).statusCode).toBe(200);
    const flood = await send(notionVerificationEvent("secret_anAttackerTryingToReplaceTheToken"));
    expect(flood.statusCode).toBe(429);
    expect(flood.headers).toMatchObject({ "retry-after": "60" });
    expect(readFileSync(file, "utf8")).toBe(`${TOKEN}\n`);
  });

  it("is answered 503 naming what to set when the function has nowhere to keep the token", async () => {
    const { send } = notionIngest(null);
    const response = await send(notionVerificationEvent(TOKEN));
    expect(response.statusCode).toBe(503);
    expect(spies.logText()).toMatch(
      /set NOTION_VERIFICATION_TOKEN_ARN \(Secrets Manager\) or NOTION_VERIFICATION_TOKEN_FILE/,
    );
    expect(spies.logText()).not.toContain(TOKEN);
  });

  it("does not make an unsigned event acceptable: anything else unsigned is 401", async () => {
    const { queue, send } = notionIngest();
    const event = signedNotionEvent({ headers: { "x-notion-signature": undefined } });
    const deps = testIngestDeps();
    const response = (await createIngestHandler(() => deps)(event)) as APIGatewayProxyStructuredResultV2;
    expect(response.statusCode).toBe(401);
    expect(deps.queue.messages).toHaveLength(0);
    expect((await send(event)).statusCode).toBe(503); // this function has no NOTION_WEBHOOK_SECRET yet
    expect(queue.messages).toHaveLength(0);
  });
});

describe("Notion events", () => {
  it("are accepted once NOTION_WEBHOOK_SECRET holds the token they are signed with, refused with any other", async () => {
    const deps = testIngestDeps({ config: { provider: "notion" }, env: { NOTION_WEBHOOK_SECRET: TOKEN } });
    const handler = createIngestHandler(() => deps);
    const accepted = (await handler(
      signedNotionEvent({ secret: TOKEN }),
    )) as APIGatewayProxyStructuredResultV2;
    expect(accepted.statusCode).toBe(200);
    expect(deps.queue.messages).toHaveLength(1);
    expect(deps.queue.messages[0]!.attributes).toMatchObject({
      provider: "notion",
      event_type: "page.created",
    });
    const refused = (await handler(
      signedNotionEvent({ secret: "secret_notTheSubscriptionsToken00" }),
    )) as APIGatewayProxyStructuredResultV2;
    expect(refused.statusCode).toBe(401);
    expect(deps.queue.messages).toHaveLength(1);
  });
});

describe("where ingest keeps the token", () => {
  const secretsManager = mockClient(SecretsManagerClient);
  afterEach(() => secretsManager.reset());

  it("in AWS: PutSecretValue on the secret NOTION_VERIFICATION_TOKEN_ARN names, nothing else", async () => {
    const arn = "arn:aws:secretsmanager:us-east-1:123456789012:secret:NotionVerificationToken-AbCdEf";
    secretsManager.on(PutSecretValueCommand).resolves({});
    const tokens = handshakeTokensFromEnv({ [`${STORE}_ARN`]: arn, [`${STORE}_FILE`]: file });
    const { send } = notionIngest(tokens);
    expect((await send(notionVerificationEvent(TOKEN))).statusCode).toBe(200);
    expect(secretsManager.calls().map((c) => c.args[0].input)).toEqual([
      { SecretId: arn, SecretString: TOKEN },
    ]);
    expect(() => statSync(file)).toThrow();
  });

  it("answers 503 when Secrets Manager refuses the write, naming the secret and not the token", async () => {
    secretsManager
      .on(PutSecretValueCommand)
      .rejects(Object.assign(new Error(`denied for ${TOKEN}`), { name: "AccessDeniedException" }));
    const { send } = notionIngest(new HandshakeTokens(new SecretsManagerTokenStore({ [STORE]: "arn:x" })));
    const response = await send(notionVerificationEvent(TOKEN));
    expect(response.statusCode).toBe(503);
    expect(spies.logText()).toContain("cannot write NOTION_VERIFICATION_TOKEN: AccessDeniedException");
    expect(spies.logText()).not.toContain(TOKEN);
  });

  it("locally: the file NOTION_VERIFICATION_TOKEN_FILE names; nowhere without either variable", async () => {
    const { send } = notionIngest(handshakeTokensFromEnv({ [`${STORE}_FILE`]: file }));
    expect((await send(notionVerificationEvent(TOKEN))).statusCode).toBe(200);
    expect(readFileSync(file, "utf8")).toBe(`${TOKEN}\n`);
    expect(handshakeTokensFromEnv({})).toBeUndefined();
  });
});
