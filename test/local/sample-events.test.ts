import type { APIGatewayProxyStructuredResultV2 } from "aws-lambda";
import { describe, expect, it } from "vitest";
import { createIngestHandler } from "../../functions/ingest/handler";
import { ingestFunctionLogicalId as stackFunctionId } from "../../infra/constructs/webhook-api";
import { SECRET_NAMES } from "../../infra/settings";
import { secretArnOutputId as stackSecretOutputId } from "../../infra/webhook-pipeline-stack";
import { DEV_SECRETS } from "../../local/dev-defaults";
import { toDeployedApiGatewayEvent } from "../../local/samples/api-gateway-v2-event";
import { ingestFunctionLogicalId, samEnvVars, secretArnOutputId } from "../../local/samples/sam-local";
import { sampleSecretsFromEnv } from "../../local/samples/sample-secrets";
import { buildSampleWebhooks } from "../../local/samples/sample-webhooks";
import { SQS_MAX_MESSAGE_BYTES } from "../../shared/config/ingest-config";
import { PROVIDER_NAMES } from "../../shared/providers/provider";
import { REGISTRY, routeAt, WEBHOOK_ROUTES } from "../../shared/providers/registry";
import { SecretReader } from "../../shared/secrets/secret-reader";
import { InMemoryEventQueue } from "../support/in-memory-event-queue";

/** The ingest function as deployed for one provider, with plain secrets instead of ARNs. */
function ingestFor(provider: (typeof PROVIDER_NAMES)[number], env: NodeJS.ProcessEnv, now: Date) {
  const queue = new InMemoryEventQueue();
  const handler = createIngestHandler(() => ({
    config: { maxBodyBytes: SQS_MAX_MESSAGE_BYTES, maxMessageBytes: SQS_MAX_MESSAGE_BYTES, provider },
    queue,
    secrets: new SecretReader(env),
    now: () => now,
  }));
  return { queue, handler };
}

describe("npm run events: signed sample events", () => {
  it("covers every webhook route with an event the deployed route would produce", () => {
    const samples = buildSampleWebhooks(sampleSecretsFromEnv({}).secrets);
    expect(new Set(samples.map((s) => s.route))).toEqual(new Set(WEBHOOK_ROUTES.map((r) => r.path)));
    for (const sample of samples) {
      const event = toDeployedApiGatewayEvent(sample);
      expect(event.routeKey).toBe(`POST ${sample.route}`);
      expect(event.requestContext.stage).toBe("$default");
      expect(Object.keys(event.headers).every((h) => h === h.toLowerCase())).toBe(true);
    }
  });

  it.each([
    ["the documented development defaults", {}],
    [
      "secrets from the environment, rotation arrays included",
      {
        SLACK_SIGNING_SECRET: '["old-slack","new-slack"]',
        GITHUB_WEBHOOK_SECRET: "gh-secret",
        PAGERDUTY_WEBHOOK_SECRET: "pd-secret",
        INCIDENTIO_WEBHOOK_SECRET: `whsec_${Buffer.from("incident-key").toString("base64")}`,
        JIRA_WEBHOOK_SECRET: "jira-secret",
        NOTION_WEBHOOK_SECRET: "secret_localSampleVerificationToken",
        GENERIC_WEBHOOK_SECRETS: JSON.stringify({ coralogix: ["old", "new-token"] }),
      },
    ],
  ])(
    "are accepted and queued by each provider's ingest function, signed with %s",
    async (_, env: NodeJS.ProcessEnv) => {
      const now = new Date();
      const { secrets, defaulted } = sampleSecretsFromEnv(env);
      expect(defaulted.length === 0).toBe(Object.keys(env).length > 0);
      const functionEnv = { ...DEV_SECRETS, ...env };
      for (const sample of buildSampleWebhooks(secrets, { now })) {
        const { queue, handler } = ingestFor(sample.provider, functionEnv, now);
        const response = (await handler(
          toDeployedApiGatewayEvent(sample, now),
        )) as APIGatewayProxyStructuredResultV2;
        expect(response.statusCode, `${sample.name}: ${response.body}`).toBe(200);
        if (routeAt(sample.path)?.acknowledgement === "empty") expect(response.body, sample.name).toBe("");
        else expect(JSON.parse(response.body!).status, sample.name).toBe("accepted");
        expect(queue.messages, sample.name).toHaveLength(1);
      }
    },
  );

  it("expire: Slack and incident.io samples are refused once their timestamp is over 5 minutes old", async () => {
    const signedAt = new Date(Date.now() - 6 * 60_000);
    const samples = buildSampleWebhooks(sampleSecretsFromEnv({}).secrets, { now: signedAt });
    for (const name of ["slack-events", "incidentio"]) {
      const sample = samples.find((s) => s.name === name)!;
      const { queue, handler } = ingestFor(sample.provider, { ...DEV_SECRETS }, new Date());
      const response = (await handler(
        toDeployedApiGatewayEvent(sample, new Date()),
      )) as APIGatewayProxyStructuredResultV2;
      expect(response.statusCode, name).toBe(401);
      expect(queue.messages).toHaveLength(0);
    }
  });

  it("name functions and outputs exactly as the stack does", () => {
    for (const provider of PROVIDER_NAMES)
      expect(ingestFunctionLogicalId(provider)).toBe(stackFunctionId(provider));
    for (const name of SECRET_NAMES) expect(secretArnOutputId(name)).toBe(stackSecretOutputId(name));
    expect(REGISTRY.providers.every((p) => SECRET_NAMES.includes(p.secret.name))).toBe(true);
  });

  it("have a development default for every secret a function reads, and none for handshake token stores", () => {
    const stores = REGISTRY.providers.flatMap((p) =>
      p.unsignedHandshake ? [p.unsignedHandshake.store.name] : [],
    );
    for (const name of SECRET_NAMES) {
      const value = (DEV_SECRETS as Record<string, string | undefined>)[name];
      if (stores.includes(name)) expect(value, name).toBeUndefined();
      else expect(value, name).toEqual(expect.any(String));
    }
  });

  it("turn `cdk deploy --outputs-file` output into SAM --env-vars for the declared variables", () => {
    const outputs = {
      WebhookPipeline: {
        ApiUrl: "https://abc.execute-api.us-east-1.amazonaws.com/",
        QueueUrl: "https://sqs.us-east-1.amazonaws.com/123456789012/WebhookPipeline-webhooks",
        SlackSigningSecretArn: "arn:aws:secretsmanager:us-east-1:123456789012:secret:Slack-AbCdEf",
        GenericWebhookSecretsArn: "arn:aws:secretsmanager:us-east-1:123456789012:secret:Generic-AbCdEf",
      },
    };
    expect(samEnvVars(outputs, "WebhookPipeline")).toEqual({
      Parameters: {
        QUEUE_URL: outputs.WebhookPipeline.QueueUrl,
        SLACK_SIGNING_SECRET_ARN: outputs.WebhookPipeline.SlackSigningSecretArn,
        GENERIC_WEBHOOK_SECRETS_ARN: outputs.WebhookPipeline.GenericWebhookSecretsArn,
      },
    });
    expect(() => samEnvVars(outputs, "Other")).toThrowError(/no stack 'Other'/);
  });
});
