/**
 * Cold start of the ingest bundle beside the least an ingest function could load: a bundle that
 * only imports @aws-sdk/client-sqs and sends. Both are built with the deployed options and
 * imported in fresh processes, interleaved, so drift on the machine hits them alike. Also the
 * ingest bundle started with `--enable-source-maps` (the start-up cost it no longer pays), and a
 * check that an error's stack is still given in source terms (decoded from the shipped map).
 */
import { execFile } from "node:child_process";
import { tmpdir } from "node:os";
import { pathToFileURL } from "node:url";
import { promisify } from "node:util";
import { BUILD_CONFIGS, type BundleResult, type BundleWorkspace, measureColdImports } from "./bundles";

const run = promisify(execFile);

const SQS_SENDER_SOURCE = `
import { SendMessageCommand, SQSClient } from "@aws-sdk/client-sqs";
const client = new SQSClient({});
export const handler = async (event) => {
  await client.send(new SendMessageCommand({ QueueUrl: process.env.QUEUE_URL, MessageBody: event.body ?? "" }));
  return { statusCode: 200, body: "" };
};
`;

export interface ColdStartBundles {
  ingest: BundleResult;
  ingestWithSourceMaps: BundleResult;
  sqsSender: BundleResult;
}

/** Builds the three bundles and cold-imports each `rounds` times. */
export async function measureColdStart(
  workspace: BundleWorkspace,
  rounds: number,
): Promise<ColdStartBundles> {
  const ingest = { name: "ingest", entry: { file: "functions/ingest/handler.ts" } };
  const bundles: ColdStartBundles = {
    ingest: await workspace.build({ ...ingest, config: BUILD_CONFIGS.deployed }),
    ingestWithSourceMaps: await workspace.build({ ...ingest, config: BUILD_CONFIGS.sourceMapsEnabled }),
    sqsSender: await workspace.build({
      name: "sqs-sender",
      entry: { source: SQS_SENDER_SOURCE },
      config: BUILD_CONFIGS.deployed,
    }),
  };
  await measureColdImports([bundles.ingest, bundles.ingestWithSourceMaps, bundles.sqsSender], rounds);
  return bundles;
}

export interface StackCheck {
  /** Whether the logged stack names the source file and line of the throw. */
  decoded: boolean;
  /** The logged stack's first frames. */
  frames: string[];
  /** The failing request's time in the fresh process, the source map's first read included. */
  errorRequestMs: number;
}

/**
 * Starts the deployed ingest bundle in a fresh process without QUEUE_URL, so its first request
 * fails inside functions/ingest/handler.ts and is logged as an unexpected error, and reads the
 * logged stack.
 */
export async function checkErrorStacks(bundle: BundleResult): Promise<StackCheck> {
  const script = `
    const mod = await import(${JSON.stringify(pathToFileURL(bundle.path).href)});
    const t0 = performance.now();
    const response = await mod.handler({ rawPath: "/webhooks/github", headers: {}, body: "{}",
      isBase64Encoded: false, requestContext: { requestId: "stack-check", http: { method: "POST" } } }, {});
    process.stdout.write("\\nSTACK-CHECK " + JSON.stringify({ ms: performance.now() - t0, status: response.statusCode }) + "\\n");`;
  const { NODE_OPTIONS: _parentOptions, QUEUE_URL: _queue, ...env } = process.env;
  const { stdout, stderr } = await run(process.execPath, ["--input-type=module", "-e", script], {
    env: { ...env, POWERTOOLS_LOG_LEVEL: "INFO", POWERTOOLS_DEV: "false" },
    cwd: tmpdir(),
  });
  const result = stdout.split("\n").find((line) => line.startsWith("STACK-CHECK "));
  const logged = `${stdout}\n${stderr}`
    .split("\n")
    .find((line) => line.includes("ingest failed unexpectedly"));
  if (!result || !logged) throw new Error(`the stack check logged no error:\n${stdout}\n${stderr}`);
  const { ms, status } = JSON.parse(result.slice("STACK-CHECK ".length)) as { ms: number; status: number };
  if (status !== 500) throw new Error(`the stack check expected a 500, got ${status}`);
  const stack = String((JSON.parse(logged) as { error?: { stack?: string } }).error?.stack ?? "");
  const frames = stack
    .split("\n")
    .slice(1, 3)
    .map((line) => line.trim());
  return { decoded: /functions\/ingest\/handler\.ts:\d+:\d+/.test(stack), frames, errorRequestMs: ms };
}
