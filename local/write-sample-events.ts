/**
 * `npm run events`: writes one freshly signed API Gateway HTTP API (payload 2.0) event per webhook
 * route into `events/`, for `sam local invoke` against the synthesized template (see README,
 * "Deploying"). Slack and Standard Webhooks signatures expire after 5 minutes: run it right before
 * invoking. Nothing in `events/` is committed (it carries its own `.gitignore`).
 *
 * Secrets: the `*_SECRET` variables from the environment (or `.env`), else the documented
 * development defaults (local/dev-defaults.ts). Sign with the values the stack's secrets hold.
 *
 * Options: --out <dir> (events), --outputs <file> (cdk-outputs.json, from
 * `cdk deploy --outputs-file`), --stack <name> (WebhookPipeline), --generic-source <name>.
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join, relative } from "node:path";
import { parseArgs } from "node:util";
import { loadDotEnv } from "./dev-defaults";
import { toDeployedApiGatewayEvent } from "./samples/api-gateway-v2-event";
import { ingestFunctionLogicalId, samEnvVars } from "./samples/sam-local";
import { sampleSecretsFromEnv } from "./samples/sample-secrets";
import { buildSampleWebhooks } from "./samples/sample-webhooks";

function writeSampleEvents(): void {
  const { values } = parseArgs({
    options: {
      out: { type: "string", default: "events" },
      outputs: { type: "string", default: "cdk-outputs.json" },
      stack: { type: "string", default: "WebhookPipeline" },
      "generic-source": { type: "string" },
    },
  });
  loadDotEnv();
  const { secrets, defaulted } = sampleSecretsFromEnv(process.env);
  const now = new Date();
  const samples = buildSampleWebhooks(secrets, {
    now,
    ...(values["generic-source"] ? { genericSource: values["generic-source"] } : {}),
  });

  const out = values.out;
  mkdirSync(out, { recursive: true });
  writeFileSync(
    join(out, ".gitignore"),
    "# Signed sample events expire within minutes: regenerate with `npm run events`, never commit them.\n*\n",
  );
  for (const sample of samples) {
    writeFileSync(
      join(out, `${sample.name}.json`),
      `${JSON.stringify(toDeployedApiGatewayEvent(sample, now), null, 2)}\n`,
    );
  }

  let envVars: string | undefined;
  if (existsSync(values.outputs)) {
    envVars = join(out, "env.json");
    const outputs = JSON.parse(readFileSync(values.outputs, "utf8"));
    writeFileSync(envVars, `${JSON.stringify(samEnvVars(outputs, values.stack), null, 2)}\n`);
  }

  const template = join("cdk.out", `${values.stack}.template.json`);
  const lines = [
    `Wrote ${samples.length} signed API Gateway v2 events to ${relative(process.cwd(), out) || "."}/ (valid for 5 minutes):`,
    ...samples.map((s) => {
      const flags = `-t ${template} -e ${join(out, `${s.name}.json`)}${envVars ? ` --env-vars ${envVars}` : ""}`;
      return `  sam local invoke ${ingestFunctionLogicalId(s.provider)} ${flags}`;
    }),
  ];
  if (!envVars) {
    lines.push(
      `No ${values.outputs}: deploy with \`npx cdk deploy --outputs-file ${values.outputs}\` and rerun to write ${join(out, "env.json")} (queue URL and secret ARNs for --env-vars).`,
    );
  }
  if (defaulted.length > 0) {
    lines.push(
      `Signed with the development defaults for ${defaulted.join(", ")} (export them to use your own).`,
    );
  }
  console.log(lines.join("\n"));
}

writeSampleEvents();
