import { readFile } from "node:fs/promises";
import { resolve } from "node:path";
import {
  parseTeamConfig,
  type TeamConfig,
  TeamConfigError,
  type TeamConfigOptions,
} from "../../shared/routing/team-config";
import { CliError, EXIT } from "../lib/errors";
import type { CliIO } from "../lib/io";

/**
 * Reads and validates a team config file (`-` reads stdin) under the target's agent URL policy;
 * every problem is an exit-2 CliError.
 */
export async function readTeamConfigFile(
  file: string,
  io: CliIO,
  options: TeamConfigOptions,
): Promise<TeamConfig> {
  let text: string;
  const name = file === "-" ? "stdin" : file;
  try {
    text = file === "-" ? ((await io.readStdin?.()) ?? "") : await readFile(resolve(io.cwd, file), "utf8");
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const reason =
      code === "ENOENT" ? "no such file" : code === "EISDIR" ? "it is a directory" : (error as Error).message;
    throw new CliError(`cannot read ${name}: ${reason}`, EXIT.usage);
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw new CliError(`${name} is not valid JSON: ${(error as Error).message}`, EXIT.usage);
  }
  try {
    return parseTeamConfig(json, options);
  } catch (error) {
    if (error instanceof TeamConfigError) {
      throw new CliError(
        `invalid team config in ${name}:\n${error.issues.map((i) => `  - ${i}`).join("\n")}`,
        EXIT.usage,
      );
    }
    throw error;
  }
}
