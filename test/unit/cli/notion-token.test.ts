import { mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { CloudFormationClient, DescribeStacksCommand } from "@aws-sdk/client-cloudformation";
import { GetSecretValueCommand, SecretsManagerClient } from "@aws-sdk/client-secrets-manager";
import { mockClient } from "aws-sdk-client-mock";
import { afterEach, describe, expect, it } from "vitest";
import { captureIO } from "../../../cli/lib/io";
import { main } from "../../../cli/main";
import { TOKEN_OUTPUT, TOKEN_STORE } from "../../../cli/notion/token-source";
import { createIngestHandler } from "../../../functions/ingest/handler";
import { handshakeTokensFromEnv } from "../../../functions/ingest/handshake-tokens-from-env";
import { secretArnOutputId } from "../../../infra/webhook-pipeline-stack";
import { HANDSHAKE_TOKEN_FILES } from "../../../local/handshake-token-files";
import { PROVIDERS } from "../../../shared/providers/registry";
import { testIngestDeps } from "../../support/in-memory-event-queue";
import { notionVerificationEvent } from "../../support/signed-requests";

const TOKEN = "secret_tMrlL1qK5vuQAh1b6cZGhFChZTSYJlce98V0pYn7yBl";

async function run(argv: string[], cwd: string, env: NodeJS.ProcessEnv = {}) {
  const { io, stdout, stderr } = captureIO({ cwd, env });
  const code = await main(["notion", "token", ...argv], io);
  return { code, stdout: stdout(), stderr: stderr() };
}

const emptyDir = () => mkdtempSync(join(tmpdir(), "notion-token-cli-"));

describe("webhook-pipeline notion token --local", () => {
  it("prints the token the local pipeline's ingest handler kept, and only it, on stdout", async () => {
    const root = emptyDir();
    const [local] = HANDSHAKE_TOKEN_FILES;
    const tokens = handshakeTokensFromEnv({ [`${local!.store}_FILE`]: join(root, local!.file) });
    const deps = { ...testIngestDeps(), handshakeTokens: tokens! };
    expect((await createIngestHandler(() => deps)(notionVerificationEvent(TOKEN))).statusCode).toBe(200);

    const nested = join(root, "infra", "constructs");
    mkdirSync(nested, { recursive: true });
    const { code, stdout, stderr } = await run(["--local"], nested);
    expect(code).toBe(0);
    expect(stdout).toBe(`${TOKEN}\n`);
    expect(stderr).toMatch(/paste it into Notion .* NOTION_WEBHOOK_SECRET/);
    expect(stderr).not.toContain(TOKEN);
  });

  it("prints {token, from} with --json", async () => {
    const root = emptyDir();
    mkdirSync(join(root, ".local"));
    writeFileSync(join(root, ".local", "notion-verification-token"), `${TOKEN}\n`);
    const { code, stdout } = await run(["--local", "--json"], root);
    expect(code).toBe(0);
    expect(JSON.parse(stdout)).toEqual({
      token: TOKEN,
      from: join(root, ".local", "notion-verification-token"),
    });
  });

  it("says Notion has not sent one yet when there is no file (exit 1)", async () => {
    const { code, stdout, stderr } = await run(["--local"], emptyDir());
    expect(code).toBe(1);
    expect(stdout).toBe("");
    expect(stderr).toMatch(/no \.local\/notion-verification-token in .*: Notion sends it once/);
  });

  it.each([
    [[], /say where the token is: --local .* or --stack/],
    [["--local", "--stack"], /option '--local' cannot be used with option '--stack \[name\]'/],
    [["--local", "extra"], /too many arguments for 'token'\. Expected 0 arguments but got 1/],
  ])("refuses %j (exit 2)", async (argv, problem) => {
    const { code, stderr } = await run(argv, emptyDir());
    expect(code).toBe(2);
    expect(stderr).toMatch(problem);
    expect(stderr).toContain("usage: webhook-pipeline notion token [options]");
  });
});

describe("webhook-pipeline notion token --stack", () => {
  const cloudFormation = mockClient(CloudFormationClient);
  const secretsManager = mockClient(SecretsManagerClient);
  const arn = "arn:aws:secretsmanager:eu-west-1:123456789012:secret:NotionVerificationToken-AbCdEf";
  afterEach(() => {
    cloudFormation.reset();
    secretsManager.reset();
  });

  const stackWithToken = (value: string) => {
    cloudFormation.on(DescribeStacksCommand).resolves({
      Stacks: [
        {
          StackName: "WebhookPipeline",
          CreationTime: new Date(),
          StackStatus: "CREATE_COMPLETE",
          Outputs: [{ OutputKey: TOKEN_OUTPUT, OutputValue: arn }],
        },
      ],
    });
    secretsManager.on(GetSecretValueCommand, { SecretId: arn }).resolves({ SecretString: value });
  };

  it("reads the token from the secret the stack outputs as NotionVerificationTokenArn", async () => {
    stackWithToken(TOKEN);
    const { code, stdout } = await run(["--stack", "--region", "eu-west-1"], emptyDir());
    expect(code).toBe(0);
    expect(stdout).toBe(`${TOKEN}\n`);
    expect(cloudFormation.calls()[0]!.args[0].input).toEqual({ StackName: "WebhookPipeline" });
  });

  it("says no token has arrived while the secret holds the stack's placeholder, without printing it", async () => {
    stackWithToken("Jq3kPLACEHOLDERvalue0000000000000000000000000000");
    const { code, stdout, stderr } = await run(["--stack", "Prod", "--region", "eu-west-1"], emptyDir());
    expect(code).toBe(1);
    expect(stdout).toBe("");
    expect(stderr).toMatch(/holds no verification token yet/);
    expect(stderr).not.toContain("PLACEHOLDER");
    expect(cloudFormation.calls()[0]!.args[0].input).toEqual({ StackName: "Prod" });
  });

  it("names the stack's output and secret the way the stack does", () => {
    expect(TOKEN_STORE).toBe(PROVIDERS.notion.unsignedHandshake!.store.name);
    expect(TOKEN_OUTPUT).toBe(secretArnOutputId(TOKEN_STORE));
  });
});
