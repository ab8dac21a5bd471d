import "./quiet-sdk-node-warning";
import { parseArgs } from "node:util";
import { WEBHOOK_QUEUE } from "../shared/config/resources";
import { WEBHOOK_ROUTES } from "../shared/providers/registry";
import { loadDotEnv } from "./dev-defaults";
import { JavaMissingError } from "./emulators/dynamodb-local";
import { HANDSHAKE_TOKEN_FILES } from "./handshake-token-files";
import { startLocalPipeline } from "./pipeline";
import { PIPELINE_FILE } from "./pipeline-file";
import { showReadableLogs } from "./terminal/readable-output";

const USAGE = `npm start -- [--port 3000] [--persist] [--batch-size 10] [--batch-window-ms 0]
                [--router-concurrency 2] [--max-receive-count ${WEBHOOK_QUEUE.maxReceiveCount}]
                [--pipeline-file ${PIPELINE_FILE}] [--router-timeout-seconds ${WEBHOOK_QUEUE.routerTimeoutSeconds}]
                [--router-process] [--handler-sqs-endpoint URL] [--handler-dynamodb-endpoint URL]
                [--json-logs]

Runs the whole webhook pipeline locally on embedded emulators (fauxqs, DynamoDB Local).
Reads PORT, AGENT_URL and the provider secrets from the environment or an untracked .env file.
--router-process runs the router in a child process, restarted whenever it dies (SIGUSR2 to this
process SIGKILLs it: npm run soak's crash fault). --handler-*-endpoint points the handlers' SDK
clients at a proxy in front of the emulator (npm run soak's fault-injecting proxies).
Each request and each outcome is printed as one readable line (in colour on a terminal; NO_COLOR
and FORCE_COLOR are honoured); --json-logs prints the handlers' JSON lines as CloudWatch would hold them.`;

function whole(name: string, raw: string | undefined, fallback: number, min = 0): number {
  if (raw === undefined) return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < min) {
    console.error(`--${name} must be a whole number of at least ${min}, got '${raw}'\n\n${USAGE}`);
    process.exit(2);
  }
  return value;
}

async function main() {
  let values: Record<string, string | boolean | undefined>;
  try {
    ({ values } = parseArgs({
      options: {
        port: { type: "string" },
        persist: { type: "boolean" },
        "batch-size": { type: "string" },
        "batch-window-ms": { type: "string" },
        "router-concurrency": { type: "string" },
        "max-receive-count": { type: "string" },
        "pipeline-file": { type: "string" },
        "router-timeout-seconds": { type: "string" },
        "router-process": { type: "boolean" },
        "handler-sqs-endpoint": { type: "string" },
        "handler-dynamodb-endpoint": { type: "string" },
        "json-logs": { type: "boolean" },
        help: { type: "boolean", short: "h" },
      },
    }));
  } catch (error) {
    console.error(`${(error as Error).message}\n\n${USAGE}`);
    process.exit(2);
  }
  if (values.help) {
    console.log(USAGE);
    return;
  }
  loadDotEnv();
  // The handlers log JSON lines; INFO shows every webhook and delivery.
  process.env.POWERTOOLS_LOG_LEVEL ??= "INFO";
  if (!values["json-logs"]) process.once("exit", showReadableLogs().flush);

  const log = (line: string) => console.log(line);
  const pipeline = await startLocalPipeline({
    port: whole("port", (values.port as string | undefined) ?? process.env.PORT, 3000),
    ...(process.env.AGENT_URL ? { agentUrl: process.env.AGENT_URL } : {}),
    ...(values.persist ? { persistDir: ".local/dynamodb" } : {}),
    batchSize: whole("batch-size", values["batch-size"] as string | undefined, 10, 1),
    batchWindowMs: whole("batch-window-ms", values["batch-window-ms"] as string | undefined, 0),
    routerConcurrency: whole("router-concurrency", values["router-concurrency"] as string | undefined, 2, 1),
    maxReceiveCount: whole(
      "max-receive-count",
      values["max-receive-count"] as string | undefined,
      WEBHOOK_QUEUE.maxReceiveCount,
      1,
    ),
    pipelineFile: (values["pipeline-file"] as string | undefined) ?? PIPELINE_FILE,
    routerTimeoutSeconds: whole(
      "router-timeout-seconds",
      values["router-timeout-seconds"] as string | undefined,
      WEBHOOK_QUEUE.routerTimeoutSeconds,
      1,
    ),
    routerProcess: values["router-process"] === true,
    handlerEndpoints: {
      ...(values["handler-sqs-endpoint"] ? { sqs: values["handler-sqs-endpoint"] as string } : {}),
      ...(values["handler-dynamodb-endpoint"]
        ? { dynamodb: values["handler-dynamodb-endpoint"] as string }
        : {}),
    },
    log,
  });
  const d = pipeline.description;
  const routes = WEBHOOK_ROUTES.map(
    (r) => `  ${r.provider.padEnd(10)} POST ${d.apiUrl}${r.path.replace("{source}", "demo")}`,
  );
  const tokens = HANDSHAKE_TOKEN_FILES.map(
    (t) =>
      `Handshakes:   ${t.provider} verification token → ${t.file} (npx webhook-pipeline ${t.provider} token --local)\n`,
  );
  console.log(`
Webhook pipeline running locally.

Webhook URLs:
${routes.join("\n")}

Console:      ${d.apiUrl}/_console  (every request, its route and the agent's answer, in a browser)
Agent:        ${d.agentUrl}${pipeline.demoAgent ? "  (demo agent; GET /deliveries lists what it received)" : ""}
SQS (fauxqs): ${d.sqsEndpoint}  queue ${d.queueUrl}
              dead-letter queue ${d.deadLetterQueueUrl}
DynamoDB:     ${d.dynamodbEndpoint}  tables ${d.routingTable}, ${d.eventsTable}, ${d.idempotencyTable}
Data:         ${process.argv.includes("--persist") ? "DynamoDB on disk in .local/dynamodb; queues in memory" : "in memory (use --persist to keep DynamoDB data in .local/dynamodb)"}
CLI:          ${values["pipeline-file"] ?? PIPELINE_FILE} describes this pipeline: npm run routes -- list --local
${tokens.join("")}${
  pipeline.devSecretsUsed.length > 0
    ? `Secrets:      development defaults for ${pipeline.devSecretsUsed.join(", ")} (set them in the environment or .env to use your own)\n`
    : ""
}
Try it:       npm run send -- slack

Ctrl-C stops everything.`);

  let stopping = false;
  const shutdown = async () => {
    if (stopping) return;
    stopping = true;
    console.log("\nStopping: router, API, agent and emulators…");
    await pipeline.stop();
    process.exit(0);
  };
  if (pipeline.crashRouter) process.on("SIGUSR2", pipeline.crashRouter);
  process.on("SIGINT", shutdown);
  process.on("SIGTERM", shutdown);
}

main().catch((error) => {
  if (error instanceof JavaMissingError) console.error(error.message);
  else console.error(`The local pipeline could not start: ${(error as Error).message}`);
  process.exit(1);
});
