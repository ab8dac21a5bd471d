import { readFile } from "node:fs/promises";
import { dirname, join } from "node:path";
import { z } from "zod";
import { CliError } from "./errors";

/** Written by the local runner (`npm start`), git-ignored. */
export const LOCAL_PIPELINE_FILE = join(".local", "pipeline.json");

const localPipelineSchema = z.looseObject({
  dynamodbEndpoint: z.string().url(),
  routingTable: z.string().min(1),
});

/** What the running local pipeline tells its tools: emulator endpoints, table and queue names, … */
export type LocalPipeline = z.output<typeof localPipelineSchema> & Record<string, unknown>;

async function findFile(start: string): Promise<{ path: string; text: string } | undefined> {
  let dir = start;
  for (;;) {
    const path = join(dir, LOCAL_PIPELINE_FILE);
    try {
      return { path, text: await readFile(path, "utf8") };
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== "ENOENT") throw error;
    }
    const parent = dirname(dir);
    if (parent === dir) return undefined;
    dir = parent;
  }
}

/**
 * Reads `.local/pipeline.json` from `cwd` or the nearest parent directory holding one. Any command
 * taking `--local` uses this to find the emulators of the running local pipeline.
 */
export async function readLocalPipeline(cwd: string): Promise<LocalPipeline & { file: string }> {
  const found = await findFile(cwd);
  if (!found) {
    throw new CliError(
      `${LOCAL_PIPELINE_FILE} not found (looked in ${cwd} and its parents): ` +
        "start the local pipeline with npm start, or name the tables and queues with their options instead of --local",
    );
  }
  let json: unknown;
  try {
    json = JSON.parse(found.text);
  } catch (error) {
    throw new CliError(
      `${found.path} is not valid JSON (${(error as Error).message}): restart the local pipeline with npm start`,
    );
  }
  const parsed = localPipelineSchema.safeParse(json);
  if (!parsed.success) {
    const problems = parsed.error.issues
      .map((i) => `${i.path.join(".") || "(root)"}: ${i.message}`)
      .join("; ");
    throw new CliError(
      `${found.path} is not what the local runner writes (${problems}): restart it with npm start`,
    );
  }
  return { ...parsed.data, file: found.path };
}
