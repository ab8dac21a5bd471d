import { CloudFormationClient, DescribeStacksCommand } from "@aws-sdk/client-cloudformation";
import { CliError, describeAwsError } from "./errors";
import { DEFAULT_STACK_NAME } from "./target-options";

/** A deployed stack's outputs, by output key (QueueUrl, EventsTableName, …). */
export interface StackOutputs {
  stackName: string;
  region?: string;
  outputs: Record<string, string>;
}

/** Reads a deployed stack's outputs with CloudFormation DescribeStacks (the operator's credentials). */
export async function readStackOutputs(stackName: string, region?: string): Promise<StackOutputs> {
  const client = new CloudFormationClient({ ...(region ? { region } : {}), maxAttempts: 3 });
  try {
    const { Stacks = [] } = await client.send(new DescribeStacksCommand({ StackName: stackName }));
    const stack = Stacks[0];
    if (!stack) throw new CliError(`stack ${stackName} not found`);
    const outputs: Record<string, string> = {};
    for (const output of stack.Outputs ?? []) {
      if (output.OutputKey && output.OutputValue !== undefined)
        outputs[output.OutputKey] = output.OutputValue;
    }
    return { stackName, ...(region ? { region } : {}), outputs };
  } catch (error) {
    if (error instanceof CliError) throw error;
    const message = error instanceof Error ? error.message : String(error);
    if ((error as Error).name === "ValidationError" && /does not exist/i.test(message)) {
      throw new CliError(
        `stack ${stackName} does not exist${region ? ` in ${region}` : ""}: check --stack and --region / AWS_REGION ` +
          `(infra/app.ts deploys ${DEFAULT_STACK_NAME} unless given -c stackName=…)`,
      );
    }
    throw (
      describeAwsError(error, { service: "CloudFormation", resource: `stack ${stackName}` }) ??
      new CliError(`cannot read the outputs of stack ${stackName}: ${message}`)
    );
  } finally {
    client.destroy();
  }
}
