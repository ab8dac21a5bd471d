/**
 * The ingest function as the stack deploys it: functions/ingest/handler.ts bundled by esbuild with
 * the deployed options, its exported `handler` (middy included) configured by environment
 * variables as in Lambda, one instance per provider (`PROVIDER`). Only the network is replaced:
 * SendMessage resolves at once (counting what was sent, keeping the last), and Secrets Manager answers from memory
 * once, after which the secret reader's cache serves the secret as it does in a warm function.
 */

import { pathToFileURL } from "node:url";
import type { SendMessageRequest } from "@aws-sdk/client-sqs";
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2, Context } from "aws-lambda";
import { POWERTOOLS_ENV } from "../../infra/constructs/lambda-defaults";
import type { ProviderName } from "../../shared/providers/provider";
import { BUILD_CONFIGS, type BundleResult, type BundleWorkspace } from "./bundles";

/** The bundle's entry: the handler module, with the two clients' `send` answered in memory. */
const ENTRY = `
import { SQSClient } from "@aws-sdk/client-sqs";
import { SecretsManagerClient } from "@aws-sdk/client-secrets-manager";
export const sent = { count: 0, last: undefined };
export const secretValues = new Map();
SQSClient.prototype.send = async function (command) {
  sent.count++;
  sent.last = command.input;
  return { MessageId: "00000000-0000-4000-8000-000000000000" };
};
SecretsManagerClient.prototype.send = async function (command) {
  return { SecretString: secretValues.get(command.input.SecretId) };
};
export { handler } from "./functions/ingest/handler.ts";
`;

interface BundleModule {
  handler: (event: APIGatewayProxyEventV2, context: Context) => Promise<APIGatewayProxyStructuredResultV2>;
  sent: SentMessages;
  secretValues: Map<string, string>;
}

/** How many messages a function sent, and the last (only that one is kept: no heap growing). */
export interface SentMessages {
  readonly count: number;
  readonly last: SendMessageRequest | undefined;
}

/** One provider's function: its handler, and what it sent to the queue. */
export interface DeployedFunction {
  invoke(event: APIGatewayProxyEventV2): Promise<APIGatewayProxyStructuredResultV2>;
  readonly sent: SentMessages;
}

const lambdaContext = (provider: string): Context =>
  ({
    callbackWaitsForEmptyEventLoop: true,
    functionName: `webhook-pipeline-Ingest${provider}`,
    functionVersion: "$LATEST",
    invokedFunctionArn: `arn:aws:lambda:us-east-1:123456789012:function:webhook-pipeline-Ingest${provider}`,
    memoryLimitInMB: "256",
    awsRequestId: "8f5a1c2e-0000-4000-8000-000000000000",
    logGroupName: `/aws/lambda/webhook-pipeline-Ingest${provider}`,
    logStreamName: "2025/06/02/[$LATEST]0123456789abcdef",
    getRemainingTimeInMillis: () => 9_000,
    done: () => undefined,
    fail: () => undefined,
    succeed: () => undefined,
  }) as Context;

/** Module instances started so far: each start is a new one, as a new Lambda instance is. */
let instances = 0;

const arnOf = (name: string) => `arn:aws:secretsmanager:us-east-1:123456789012:secret:bench/${name}`;

/** Builds the bundle the stack deploys, with the network replaced as described above. */
export async function buildDeployedIngest(workspace: BundleWorkspace): Promise<BundleResult> {
  return workspace.build({
    name: "ingest-as-deployed",
    entry: { source: ENTRY },
    config: BUILD_CONFIGS.deployed,
  });
}

/**
 * The functions' environment, as the stack sets it (the provider aside): set in this process for
 * the whole run, since a function reads some of it on every request (its secrets' ARNs).
 */
export function setDeployedEnvironment(secrets: Readonly<Record<string, string>>): void {
  Object.assign(process.env, POWERTOOLS_ENV, {
    AWS_REGION: "us-east-1",
    QUEUE_URL: "https://sqs.us-east-1.amazonaws.com/123456789012/webhook-pipeline-webhooks",
    SECRETS_CACHE_SECONDS: "300",
    TRACING_SAMPLE_RATE: "0.01",
    POWERTOOLS_LOG_LEVEL: "INFO",
    ...Object.fromEntries(Object.keys(secrets).map((name) => [`${name}_ARN`, arnOf(name)])),
  });
}

/**
 * A fresh instance of the function serving `provider`, started by its first request (`first`):
 * like a new Lambda instance, it reads its configuration (PROVIDER among it) then. `secrets` maps
 * each secret's variable name to the value Secrets Manager answers for its ARN.
 */
export async function startDeployedFunction(
  bundle: BundleResult,
  provider: ProviderName,
  secrets: Readonly<Record<string, string>>,
  first: APIGatewayProxyEventV2,
): Promise<DeployedFunction & { firstResponse: APIGatewayProxyStructuredResultV2 }> {
  const url = `${pathToFileURL(bundle.path).href}?provider=${provider}&instance=${++instances}`;
  const mod = (await import(url)) as BundleModule;
  for (const [name, value] of Object.entries(secrets)) mod.secretValues.set(arnOf(name), value);
  const context = lambdaContext(provider);
  const invoke = (event: APIGatewayProxyEventV2) => mod.handler(event, context);
  process.env.PROVIDER = provider;
  try {
    return { invoke, sent: mod.sent, firstResponse: await invoke(first) };
  } finally {
    delete process.env.PROVIDER;
  }
}
