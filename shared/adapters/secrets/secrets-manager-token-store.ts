import { PutSecretValueCommand, SecretsManagerClient } from "@aws-sdk/client-secrets-manager";
import type { HandshakeTokenStore } from "../../ingest/handshake-token-store";

/**
 * Handshake tokens as the value of their Secrets Manager secret (`secretsmanager:PutSecretValue`,
 * the only access the stack grants ingest on it), by store name → secret ARN. The SDK honours
 * AWS_ENDPOINT_URL_SECRETS_MANAGER.
 */
export class SecretsManagerTokenStore implements HandshakeTokenStore {
  constructor(
    private readonly secretArns: Readonly<Record<string, string>>,
    private readonly client = new SecretsManagerClient({}),
  ) {}

  async put(name: string, token: string): Promise<void> {
    const secretId = this.secretArns[name];
    if (!secretId) throw new Error(`no secret for ${name}: set ${name}_ARN`);
    await this.client.send(new PutSecretValueCommand({ SecretId: secretId, SecretString: token }));
  }
}
