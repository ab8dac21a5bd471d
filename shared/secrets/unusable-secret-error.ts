/**
 * A secret is set but holds nothing usable as a key: a configuration error, so the request is
 * answered 503 (the sender retries once the secret is fixed) rather than verified against it. The
 * message names the secret and what is wrong with it, and never holds any part of its value.
 */
export class UnusableSecretError extends Error {
  /**
   * @param secretName the secret as configured (`GITHUB_WEBHOOK_SECRET`, `GENERIC_WEBHOOK_SECRETS`)
   * @param where the part of it at fault, as the message names it (`INCIDENTIO_WEBHOOK_SECRET[1]`)
   * @param problem what is wrong and how to fix it, without the value
   */
  constructor(
    readonly secretName: string,
    where: string,
    problem: string,
  ) {
    super(`${where} ${problem}`);
    this.name = "UnusableSecretError";
  }
}
