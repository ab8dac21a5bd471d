import { readFile } from "node:fs/promises";
import { dirname, join } from "node:path";
import { GetSecretValueCommand, SecretsManagerClient } from "@aws-sdk/client-secrets-manager";
import { tokenFileName } from "../../shared/adapters/file/file-token-store";
import { CliError, describeAwsError } from "../lib/errors";
import { readStackOutputs } from "../lib/stack-outputs";

/** Where the Notion ingest function keeps the verification token. */
export const TOKEN_STORE = "NOTION_VERIFICATION_TOKEN";
/** The stack output holding its secret's ARN (the stack names outputs `<Pascal name>Arn`). */
export const TOKEN_OUTPUT = "NotionVerificationTokenArn";

const LOCAL_FILE = join(".local", tokenFileName(TOKEN_STORE));

export const NOT_SENT =
  "Notion sends it once, when the webhook subscription is created (or when you ask it to resend the token)";

/** The token the local pipeline wrote, from `cwd` or the nearest parent holding `.local/`. */
export async function localToken(cwd: string): Promise<{ token: string; from: string }> {
  for (let dir = cwd; ; dir = dirname(dir)) {
    const path = join(dir, LOCAL_FILE);
    try {
      return { token: (await readFile(path, "utf8")).trim(), from: path };
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== "ENOENT") throw error;
    }
    if (dirname(dir) === dir) {
      throw new CliError(
        `no ${LOCAL_FILE} in ${cwd} or its parents: ${NOT_SENT} to the local pipeline's /webhooks/notion (npm start, behind a tunnel Notion can reach)`,
      );
    }
  }
}

/** The value of the stack's token secret, read with the operator's credentials. */
export async function stackToken(
  stackName: string,
  region?: string,
): Promise<{ token: string; from: string }> {
  const { outputs } = await readStackOutputs(stackName, region);
  const arn = outputs[TOKEN_OUTPUT];
  if (!arn) {
    throw new CliError(`stack ${stackName} has no output ${TOKEN_OUTPUT}: deploy this version of the stack`);
  }
  const client = new SecretsManagerClient({ ...(region ? { region } : {}), maxAttempts: 3 });
  try {
    const { SecretString } = await client.send(new GetSecretValueCommand({ SecretId: arn }));
    return { token: SecretString ?? "", from: arn };
  } catch (error) {
    throw (
      describeAwsError(error, { service: "Secrets Manager", resource: `secret ${arn}` }) ??
      new CliError(`cannot read secret ${arn}: ${(error as Error).name}`)
    );
  } finally {
    client.destroy();
  }
}
