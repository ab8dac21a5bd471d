import { type ChildProcess, spawn } from "node:child_process";
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type LocalPipelineDescription, readPipelineFile } from "../../local/pipeline-file";
import { type ObservedExchange, type ProxyGate, startMeterProxy } from "./meter-proxy";

export interface MeteredPipeline {
  description: LocalPipelineDescription;
  /** Everything the pipeline process has printed so far (stdout and stderr, in arrival order). */
  output(): string;
  stop(): Promise<void>;
}

export interface MeteredPipelineOptions {
  /** `npm start` flags (batching, concurrency). */
  args: string[];
  env: NodeJS.ProcessEnv;
  onSqs(exchange: ObservedExchange): void;
  onDynamoDb(exchange: ObservedExchange): void;
  /** Holds SQS requests back (the event source's receives, while a case's webhooks are sent). */
  sqsGate: ProxyGate;
}

const exited = (child: ChildProcess, ms: number) =>
  new Promise<boolean>((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) return resolve(true);
    const timer = setTimeout(() => resolve(false), ms);
    child.once("exit", () => {
      clearTimeout(timer);
      resolve(true);
    });
  });

/**
 * The local pipeline (`npm start`, through metered-start.ts) in a child process of its own process
 * group, as local/process/pipeline-process.ts runs it for the e2e tests, with counting proxies in
 * this process in front of its emulators: every SQS call the handlers and the event source make and
 * every DynamoDB call the handlers make passes through them.
 */
export async function startMeteredPipeline(options: MeteredPipelineOptions): Promise<MeteredPipeline> {
  const sqsProxy = await startMeterProxy(options.onSqs, options.sqsGate);
  const dynamodbProxy = await startMeterProxy(options.onDynamoDb);
  const dir = mkdtempSync(join(tmpdir(), "pipeline-cost-"));
  const pipelineFile = join(dir, "pipeline.json");
  const child = spawn(
    process.execPath,
    [
      "--import",
      "tsx",
      "bench/cost/metered-start.ts",
      "--port",
      "0",
      "--pipeline-file",
      pipelineFile,
      "--handler-sqs-endpoint",
      sqsProxy.url,
      "--handler-dynamodb-endpoint",
      dynamodbProxy.url,
      ...options.args,
    ],
    {
      detached: true,
      stdio: ["ignore", "pipe", "pipe"],
      env: { ...process.env, ...options.env, COST_METER_SQS_ENDPOINT: sqsProxy.url },
    },
  );
  let output = "";
  const collect = (chunk: Buffer) => {
    output += chunk.toString();
  };
  child.stdout!.on("data", collect);
  child.stderr!.on("data", collect);
  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) {
      process.kill(-child.pid!, "SIGTERM");
      if (!(await exited(child, 20_000))) process.kill(-child.pid!, "SIGKILL");
    }
    // The group may still hold the emulator's JVM if the runner died first.
    try {
      process.kill(-child.pid!, "SIGKILL");
    } catch {
      // Already gone.
    }
    await Promise.all([sqsProxy.stop(), dynamodbProxy.stop()]);
    rmSync(dir, { recursive: true, force: true });
  };
  const deadline = Date.now() + 120_000;
  while (!existsSync(pipelineFile)) {
    if (child.exitCode !== null || Date.now() > deadline) {
      await stop();
      throw new Error(`the local pipeline did not start:\n${output}`);
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  const description = readPipelineFile(pipelineFile);
  sqsProxy.setUpstream(description.sqsEndpoint);
  dynamodbProxy.setUpstream(description.dynamodbEndpoint);
  return { description, output: () => output, stop };
}
