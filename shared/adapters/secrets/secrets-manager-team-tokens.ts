import { getSecret } from "@aws-lambda-powertools/parameters/secrets";
import { TeamTokenError, type TeamTokens } from "../../secrets/team-tokens";

/** In AWS: Secrets Manager, through Powertools' cache (a rotation is picked up within `maxAgeSeconds`). */
export class SecretsManagerTeamTokens implements TeamTokens {
  constructor(private readonly maxAgeSeconds: number) {}

  async read(secretName: string): Promise<string> {
    let value: unknown;
    try {
      value = await getSecret(secretName, { maxAge: this.maxAgeSeconds });
    } catch (error) {
      throw new TeamTokenError(
        `the team's agent token secret ${secretName} could not be read (${(error as Error).name}): check that it exists under the router's allowed prefix`,
      );
    }
    const token =
      typeof value === "string" ? value : value ? Buffer.from(value as Uint8Array).toString("utf8") : "";
    if (token.trim() === "") throw new TeamTokenError(`the team's agent token secret ${secretName} is empty`);
    return token.trim();
  }
}
