/** The router's port onto teams' agent tokens (`agent.token_secret` in a team's config). */
export interface TeamTokens {
  /** The token's value; throws naming the secret (never quoting a value) when it cannot be read. */
  read(secretName: string): Promise<string>;
}

export class TeamTokenError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "TeamTokenError";
  }
}
