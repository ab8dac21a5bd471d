import { mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { dirname } from "node:path";

/** Where a running local pipeline describes itself; git-ignored. CLI commands given `--local` read it. */
export const PIPELINE_FILE = ".local/pipeline.json";

export interface LocalPipelineDescription {
  apiUrl: string;
  region: string;
  sqsEndpoint: string;
  s3Endpoint: string;
  dynamodbEndpoint: string;
  queueUrl: string;
  deadLetterQueueUrl: string;
  routingTable: string;
  eventsTable: string;
  idempotencyTable: string;
  agentUrl: string;
  pid: number;
}

export function writePipelineFile(description: LocalPipelineDescription, path = PIPELINE_FILE): void {
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, `${JSON.stringify(description, null, 2)}\n`);
}

export function readPipelineFile(path = PIPELINE_FILE): LocalPipelineDescription {
  return JSON.parse(readFileSync(path, "utf8")) as LocalPipelineDescription;
}

export function removePipelineFile(path = PIPELINE_FILE): void {
  rmSync(path, { force: true });
}
