import { type ChildProcess, spawn } from "node:child_process";
import { createInterface } from "node:readline";
import type { Readable } from "node:stream";
import type { RouterProcessSettings } from "./router-process";

export interface RouterSupervisor {
  /** SIGKILLs the router wherever it is (mid-batch, mid-call); a new one starts at once. */
  crash(): void;
  stop(): Promise<void>;
}

const ENTRY = new URL("./router-process.ts", import.meta.url).pathname;

/**
 * The child's output written here line by line, so that its lines go through whatever this
 * process does with its own (npm start's readable lines) and never interleave with them mid-line.
 */
const forwardLines = (from: Readable, to: NodeJS.WriteStream) =>
  createInterface({ input: from, crlfDelay: Number.POSITIVE_INFINITY }).on("line", (line) =>
    to.write(`${line}\n`),
  );

/**
 * Runs the router in a child process that inherits this process's environment (the handlers'
 * configuration), and starts a new one whenever it dies: what Lambda does after a crashed
 * invocation. Messages the dead one held come back after their visibility timeout.
 */
export function superviseRouterProcess(
  settings: RouterProcessSettings,
  log: (line: string) => void,
): RouterSupervisor {
  let child: ChildProcess | undefined;
  let stopping = false;
  const start = () => {
    if (stopping) return;
    const current = spawn(process.execPath, ["--import", "tsx", ENTRY, JSON.stringify(settings)], {
      stdio: ["ignore", "pipe", "pipe"],
      env: process.env,
    });
    forwardLines(current.stdout!, process.stdout);
    forwardLines(current.stderr!, process.stderr);
    current.once("exit", (code, signal) => {
      // SIGTERM or a clean exit: the whole local pipeline is shutting down (its process group).
      if (stopping || signal === "SIGTERM" || code === 0) return;
      log(`router: process ${current.pid} ended (${signal ?? `exit ${code}`}); starting a new one`);
      // Killed on purpose: at once. Failed by itself (a bad setting?): not in a tight loop.
      setTimeout(start, signal === "SIGKILL" ? 0 : 1000);
    });
    child = current;
  };
  start();
  return {
    crash: () => child?.kill("SIGKILL"),
    stop: async () => {
      stopping = true;
      const current = child;
      if (!current || current.exitCode !== null || current.signalCode !== null) return;
      await new Promise<void>((resolve) => {
        const timer = setTimeout(() => current.kill("SIGKILL"), 10_000);
        current.once("exit", () => {
          clearTimeout(timer);
          resolve();
        });
        current.kill("SIGTERM");
      });
    },
  };
}
