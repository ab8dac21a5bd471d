/**
 * `npm run send -- <sample> [--url URL] [--source NAME] [--tamper]`: signs a realistic sample webhook
 * with the configured secret (environment, `.env`, or the development defaults `npm start` uses) and
 * posts it to the local pipeline (or any URL), then prints the response.
 */
import { existsSync } from "node:fs";
import { parseArgs } from "node:util";
import { loadDotEnv } from "./dev-defaults";
import { PIPELINE_FILE, readPipelineFile } from "./pipeline-file";
import { sampleSecretsFromEnv } from "./samples/sample-secrets";
import { buildSampleWebhooks, type SampleWebhook } from "./samples/sample-webhooks";

/** A provider's name picks its first route's sample (`slack` → `slack-events`). */
function find(samples: readonly SampleWebhook[], wanted: string): SampleWebhook | undefined {
  return samples.find((s) => s.name === wanted) ?? samples.find((s) => s.provider === wanted);
}

function usage(samples: readonly SampleWebhook[]): string {
  const providers = [...new Set(samples.map((s) => s.provider))];
  return `npm run send -- <sample> [--url BASE_URL] [--source NAME] [--tamper]

samples: ${[...new Set([...samples.map((s) => s.name), ...providers])].join(", ")}
--url     base URL of the webhook API (default: the running local pipeline, else http://localhost:3000)
--source  generic sender name (default: the first in GENERIC_WEBHOOK_SECRETS)
--tamper  change one byte of the body after signing, to see a 401`;
}

function defaultBaseUrl(): string {
  if (existsSync(PIPELINE_FILE)) return readPipelineFile().apiUrl;
  return `http://localhost:${process.env.PORT ?? 3000}`;
}

async function main(): Promise<number> {
  const { values, positionals } = parseArgs({
    allowPositionals: true,
    options: {
      url: { type: "string" },
      source: { type: "string" },
      tamper: { type: "boolean" },
      help: { type: "boolean", short: "h" },
    },
  });
  loadDotEnv();
  const { secrets, defaulted } = sampleSecretsFromEnv(process.env);
  const samples = buildSampleWebhooks(secrets, values.source ? { genericSource: values.source } : {});
  const wanted = positionals[0];
  if (values.help || !wanted) {
    console.log(usage(samples));
    return wanted || values.help ? 0 : 2;
  }
  const sample = find(samples, wanted);
  if (!sample) {
    console.error(`unknown sample '${wanted}'\n\n${usage(samples)}`);
    return 2;
  }
  // Flip the last character: still well-formed to the eye, but no longer what was signed.
  const body = values.tamper
    ? `${sample.body.slice(0, -1)}${sample.body.endsWith("}") ? " " : "}"}`
    : sample.body;
  const url = `${(values.url ?? defaultBaseUrl()).replace(/\/+$/, "")}${sample.path}`;
  if (defaulted.length > 0) console.log(`(signing with the development default for ${defaulted.join(", ")})`);
  console.log(`POST ${url}`);
  let response: Response;
  try {
    response = await fetch(url, { method: "POST", headers: sample.headers, body });
  } catch (error) {
    console.error(
      `could not reach ${url}: ${(error as Error).message}. Is the pipeline running? Start it with: npm start`,
    );
    return 1;
  }
  console.log(`${response.status} ${response.statusText}`);
  const text = await response.text();
  // Slack interactivity is acknowledged with an empty body, as Bolt's ack() does.
  console.log(text === "" ? "(empty body)" : text);
  return response.ok ? 0 : 1;
}

main().then((code) => process.exit(code));
