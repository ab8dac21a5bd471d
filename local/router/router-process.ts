/**
 * The router as its own process (see router-supervisor.ts): the real handler fed by the emulated
 * SQS event source mapping, configured by the environment it inherits from the local pipeline and
 * by the JSON settings in its one argument. SIGTERM stops it cleanly; SIGKILL is a crash.
 */
import { SQSClient } from "@aws-sdk/client-sqs";
import { type LocalRouterOptions, startLocalRouter } from "./local-router";

export type RouterProcessSettings = Omit<LocalRouterOptions, "sqsClient" | "log"> & {
  /** The queue emulator: the event source's receives and deletes go straight to it. */
  sqsEndpoint: string;
};

const settings = JSON.parse(process.argv[2] ?? "") as RouterProcessSettings;
const log = (line: string) => console.log(line);
const router = await startLocalRouter({
  ...settings,
  sqsClient: new SQSClient({ useQueueUrlAsEndpoint: false, endpoint: settings.sqsEndpoint }),
  log,
});
log(`router: process ${process.pid} routing ${settings.queueUrl}`);
process.once("SIGTERM", () => {
  router.stop().then(() => process.exit(0));
});
