/**
 * Adding a provider is one module plus its registry entry: a throwaway provider, registered here the
 * way a new module is (its name in PROVIDER_NAMES, its line in BUILT_IN_PROVIDERS), is served by the
 * ingest handler, deployed by the stack with its own function, secret, route and outputs, sampled
 * by `npm run send` and listed in the README's route table, with no other change.
 */
import type { APIGatewayProxyStructuredResultV2 } from "aws-lambda";
import { beforeAll, describe, expect, it, vi } from "vitest";
import { createIngestHandler } from "../../functions/ingest/handler";
import { ingestFunctionLogicalId } from "../../infra/constructs/webhook-api";
import { secretArnOutputId, webhookUrlOutputId } from "../../infra/webhook-pipeline-stack";
import { DEV_SECRETS } from "../../local/dev-defaults";
import { renderRouteTable } from "../../local/docs/route-table";
import { toDeployedApiGatewayEvent } from "../../local/samples/api-gateway-v2-event";
import { buildSampleWebhooks } from "../../local/samples/sample-webhooks";
import { ingestConfigFromEnv } from "../../shared/config/ingest-config";
import { parseEnvelope } from "../../shared/envelope/envelope";
import { SecretReader } from "../../shared/secrets/secret-reader";
import { InMemoryEventQueue } from "../support/in-memory-event-queue";
import {
  actionsOf,
  envOf,
  functionProps,
  type Json,
  refId,
  resourcesOf,
  type SynthesizedPipeline,
  statementsOfRole,
  synthPipeline,
} from "./synth-pipeline";

vi.mock("../../shared/providers/provider", async (importOriginal) => {
  const original = await importOriginal<typeof import("../../shared/providers/provider")>();
  return { ...original, PROVIDER_NAMES: [...original.PROVIDER_NAMES, "acme"] };
});
vi.mock("../../shared/providers/built-in", async (importOriginal) => {
  const original = await importOriginal<typeof import("../../shared/providers/built-in")>();
  const { acme } = await import("./throwaway-provider");
  return { BUILT_IN_PROVIDERS: { ...original.BUILT_IN_PROVIDERS, acme } };
});

const SECRET = "acme-signing-secret";

function acmeIngest() {
  const queue = new InMemoryEventQueue();
  const handler = createIngestHandler(() => ({
    config: ingestConfigFromEnv({ PROVIDER: "acme" }),
    queue,
    secrets: new SecretReader({ ACME_WEBHOOK_SECRET: SECRET }),
  }));
  return { queue, handler };
}

const acmeSample = () => {
  const sample = buildSampleWebhooks({ ...DEV_SECRETS, ACME_WEBHOOK_SECRET: SECRET }).find(
    (s) => s.name === "acme",
  );
  expect(sample).toBeDefined();
  return sample!;
};

describe("a provider registered with one module and its registry entry", () => {
  it("is served by the ingest handler: a signed request is queued under its name, a tampered one refused", async () => {
    const { queue, handler } = acmeIngest();
    const sample = acmeSample();
    const response = (await handler(toDeployedApiGatewayEvent(sample))) as APIGatewayProxyStructuredResultV2;
    expect(response.statusCode, response.body).toBe(200);
    const parsed = parseEnvelope(queue.messages[0]!.body);
    expect(parsed.ok && parsed.envelope).toMatchObject({ provider: "acme", route: "/webhooks/acme" });

    const tampered = { ...sample, body: sample.body.replace("checkout", "checkouT") };
    const refused = (await handler(toDeployedApiGatewayEvent(tampered))) as APIGatewayProxyStructuredResultV2;
    expect(refused.statusCode).toBe(401);
    expect(JSON.parse(refused.body!).error).toMatch(/X-Acme-Signature/);
    expect(queue.messages).toHaveLength(1);
  });

  it("is in `npm run send`'s samples with its development secret, and in the README's route table", () => {
    expect(DEV_SECRETS["ACME_WEBHOOK_SECRET" as keyof typeof DEV_SECRETS]).toBe("dev-acme-secret");
    expect(renderRouteTable()).toContain(
      "| Acme Alerts | `/webhooks/acme` | `X-Acme-Signature: sha256=…` | `ACME_WEBHOOK_SECRET` | — |",
    );
  });

  describe("in the synthesized stack", () => {
    let synth: SynthesizedPipeline;
    let resources: Record<string, Json>;
    const functionId = ingestFunctionLogicalId("acme" as never);

    beforeAll(() => {
      synth = synthPipeline({}, { bundle: false });
      resources = synth.template.toJSON().Resources;
    }, 120_000);

    const secretId = () => {
      const [id] = Object.entries(resources).find(
        ([key, r]) => r.Type === "AWS::SecretsManager::Secret" && key.startsWith("SecretsAcmeWebhookSecret"),
      )!;
      return id;
    };

    it("has its own function, reading its own secret only", () => {
      const props = functionProps(synth.template, functionId);
      expect(envOf(props).PROVIDER).toBe("acme");
      expect(refId(envOf(props).ACME_WEBHOOK_SECRET_ARN)).toBe(secretId());
      const reads = statementsOfRole(synth.template, refId(props.Role)).filter((s) =>
        actionsOf(s).some((a) => a.startsWith("secretsmanager:")),
      );
      expect(reads.flatMap(actionsOf)).toEqual(["secretsmanager:GetSecretValue"]);
      expect(reads.flatMap(resourcesOf).map(refId)).toEqual([secretId()]);
    });

    it("routes POST /webhooks/acme to that function and outputs its URL and secret ARN", () => {
      const route = Object.values(resources).find(
        (r) => r.Type === "AWS::ApiGatewayV2::Route" && r.Properties.RouteKey === "POST /webhooks/acme",
      )!;
      const integration = resources[refId(route.Properties.Target["Fn::Join"][1][1])]!;
      expect(refId(integration.Properties.IntegrationUri)).toBe(functionId);
      const outputs = synth.template.toJSON().Outputs as Record<string, Json>;
      expect(webhookUrlOutputId("/webhooks/acme")).toBe("AcmeWebhookUrl");
      expect(outputs.AcmeWebhookUrl!.Value["Fn::Join"][1][1]).toBe("/webhooks/acme");
      expect(refId(outputs[secretArnOutputId("ACME_WEBHOOK_SECRET")]!.Value)).toBe(secretId());
    });
  });
});
