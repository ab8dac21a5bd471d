import { type ChildProcess, spawn } from "node:child_process";
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type LocalPipelineDescription, readPipelineFile } from "../pipeline-file";

export interface PipelineProcess {
  description: LocalPipelineDescription;
  output(): string;
  stop(): Promise<void>;
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

export interface PipelineProcessOptions {
  /** The script that starts the pipeline: `local/start.ts` (what `npm start` runs) or a wrapper of it. */
  entry?: string;
  /** Run after the process group is gone (a caller's own proxies, say). */
  onStop?: () => Promise<void>;
}

/**
 * Runs the local pipeline (`local/start.ts`, what `npm start` runs) as a child process in its own
 * process group, waits until it has described itself, and stops the whole group — emulators
 * included — when done.
 */
export async function startPipelineProcess(
  args: string[] = [],
  env: NodeJS.ProcessEnv = {},
  options: PipelineProcessOptions = {},
): Promise<PipelineProcess> {
  const dir = mkdtempSync(join(tmpdir(), "pipeline-e2e-"));
  const pipelineFile = join(dir, "pipeline.json");
  const entry = options.entry ?? "local/start.ts";
  // `output()` holds the handlers' lines as CloudWatch would (npm run cost measures them).
  const child = spawn(
    process.execPath,
    ["--import", "tsx", entry, "--port", "0", "--pipeline-file", pipelineFile, "--json-logs", ...args],
    {
      detached: true,
      stdio: ["ignore", "pipe", "pipe"],
      env: { ...process.env, POWERTOOLS_LOG_LEVEL: "WARN", ...env },
    },
  );
  let output = "";
  child.stdout!.on("data", (chunk: Buffer) => {
    output += chunk.toString();
  });
  child.stderr!.on("data", (chunk: Buffer) => {
    output += chunk.toString();
  });
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
    await options.onStop?.();
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
  return { description: readPipelineFile(pipelineFile), output: () => output, stop };
}

/** Polls `check` until it returns a value other than undefined, or fails after `timeoutMs`. */
export async function eventually<T>(
  what: string,
  check: () => Promise<T | undefined>,
  timeoutMs = 30_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}
