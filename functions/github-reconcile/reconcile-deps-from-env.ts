import { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { DynamoDBDocumentClient } from "@aws-sdk/lib-dynamodb";
import { createDynamoDbReconcileStores } from "../../shared/adapters/github/dynamodb-reconcile-stores";
import { createGitHubDeliveries } from "../../shared/adapters/github/github-deliveries-client";
import type { ReconcileDeps } from "../../shared/github/reconcile-deliveries";
import { type FetchSecret, SecretReader } from "../../shared/secrets/secret-reader";
import { GITHUB_APP_SECRET, parseGitHubAppCredentials } from "./github-app-credentials";
import { type ReconcileConfig, reconcileConfigFromEnv } from "./reconcile-config";

export interface ReconcileSetup {
  config: ReconcileConfig;
  /**
   * The ports for one run. The App's credentials are read each run (through the secrets cache), so
   * a rotated key is used within SECRETS_CACHE_SECONDS; a missing or unusable secret rejects
   * naming it (SecretNotConfiguredError, UnusableSecretError), never quoting it.
   */
  deps(): Promise<ReconcileDeps>;
}

/**
 * The reconciler's setup from the environment: GITHUB_APP_CREDENTIALS_ARN (Secrets Manager; or
 * GITHUB_APP_CREDENTIALS, the JSON itself, locally and in tests), the tables, GitHub's API URL. AWS
 * SDK clients honour AWS_ENDPOINT_URL_*.
 */
export function reconcileSetupFromEnv(
  env: NodeJS.ProcessEnv = process.env,
  fetchSecret?: FetchSecret,
): ReconcileSetup {
  const config = reconcileConfigFromEnv(env);
  const secrets = new SecretReader(env, fetchSecret, config.secretsCacheSeconds);
  const doc = DynamoDBDocumentClient.from(new DynamoDBClient({}), {
    marshallOptions: { removeUndefinedValues: true },
  });
  const stores = createDynamoDbReconcileStores({
    doc,
    eventsTable: config.eventsTable,
    idempotencyTable: config.idempotencyTable,
  });
  return {
    config,
    deps: async () => {
      const app = parseGitHubAppCredentials(await secrets.read(GITHUB_APP_SECRET));
      return { ...stores, github: createGitHubDeliveries({ apiUrl: config.apiUrl, app }) };
    },
  };
}
