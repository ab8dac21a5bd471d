import { startFauxqs } from "fauxqs";
import type { RunningEmulator } from "./dynamodb-local";

export type RunningFauxqs = RunningEmulator & { server: Awaited<ReturnType<typeof startFauxqs>> };

/** Starts the SQS/S3 emulator in this process (`port: 0` picks a free one). */
export async function startSqsEmulator(port = 0): Promise<RunningFauxqs> {
  const server = await startFauxqs({ port, logger: false });
  return { endpoint: server.address, server, stop: () => server.stop() };
}
