import { SECRET_NAMES } from "../../infra/stack-secrets";

const pascal = (words: string) =>
  words
    .toLowerCase()
    .split(/[^a-z0-9]+/)
    .filter(Boolean)
    .map((w) => w[0]!.toUpperCase() + w.slice(1))
    .join("");

/**
 * The stack's own names (infra/ defines them; local/ does not import the CDK app, and a test keeps
 * the two in step; the list of secrets is the registry's, which the CDK app reads too): the ingest function of a provider, and the output holding a secret's ARN.
 */
export const ingestFunctionLogicalId = (provider: string) => `Ingest${pascal(provider)}Function`;
export const secretArnOutputId = (name: string) => `${pascal(name)}Arn`;

/**
 * `sam local invoke --env-vars` content from the file `cdk deploy --outputs-file` writes. SAM only
 * overrides variables the template declares, so these are the deployed queue URL and secret ARNs:
 * a local invocation reads the real secrets and sends to the real queue with your credentials.
 */
export function samEnvVars(
  outputs: Record<string, Record<string, string>>,
  stackName: string,
): { Parameters: Record<string, string> } {
  const stack = outputs[stackName];
  if (!stack) {
    throw new Error(
      `the outputs file has no stack '${stackName}' (it has: ${Object.keys(outputs).join(", ")})`,
    );
  }
  const parameters: Record<string, string> = {};
  if (stack.QueueUrl) parameters.QUEUE_URL = stack.QueueUrl;
  for (const name of SECRET_NAMES) {
    const arn = stack[secretArnOutputId(name)];
    if (arn) parameters[`${name}_ARN`] = arn;
  }
  return { Parameters: parameters };
}
