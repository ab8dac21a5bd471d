import { DEV_SECRETS } from "../../local/dev-defaults";
import { type PipelineProcess, startPipelineProcess } from "../../local/process/pipeline-process";

/** The local pipeline as `npm start` runs it, for the console: development secrets, the demo agent. */
export const startConsolePipeline = (): Promise<PipelineProcess> =>
  startPipelineProcess([], {
    // Only the development secrets: the console signs its samples with them.
    ...Object.fromEntries(Object.keys(DEV_SECRETS).map((name) => [name, ""])),
    AGENT_URL: "",
    // The router's delivered lines are at INFO: the console reads each attempt from them.
    POWERTOOLS_LOG_LEVEL: "INFO",
  });

/** A GitHub webhook with a forged signature: refused (401) and kept in the audit trail. */
export const postForgedGithubWebhook = (apiUrl: string): Promise<Response> =>
  fetch(`${apiUrl}/webhooks/github`, {
    method: "POST",
    headers: {
      "content-type": "application/json",
      "x-hub-signature-256": "sha256=00",
      "x-github-event": "push",
    },
    body: "{}",
  });
