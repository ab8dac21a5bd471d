import { App, Validations } from "aws-cdk-lib";
import { AwsSolutionsChecks } from "cdk-nag";
import { InvalidSettingError, readSettings } from "./settings";
import { WebhookPipelineStack } from "./webhook-pipeline-stack";

/**
 * The CDK app (`cdk.json`: `npx tsx infra/app.ts`). Settings come from CDK context, e.g.
 * `npx cdk deploy -c throttleRateLimit=50 -c alarmEmail=oncall@example.com --parameters AgentUrl=https://…`.
 * The stack is environment-agnostic, so `cdk synth` needs no AWS credentials or network.
 */
const app = new App();
const context = (name: string): unknown => app.node.tryGetContext(name);

let settings: ReturnType<typeof readSettings>;
try {
  settings = readSettings(context);
} catch (error) {
  if (error instanceof InvalidSettingError) {
    console.error(`Invalid setting: ${error.message}`);
    process.exit(1);
  }
  throw error;
}

const stackName = (context("stackName") as string | undefined) ?? "WebhookPipeline";
new WebhookPipelineStack(app, stackName, {
  settings,
  description: "Webhook pipeline: API Gateway → ingest Lambdas → SQS (+DLQ) → router Lambda → team agents",
});

// cdk-nag's AWS Solutions rules on every synth: a new finding fails the synth until it is fixed or
// acknowledged with a reason next to the resource (Validations.of(construct).acknowledge).
Validations.of(app).addPlugins(new AwsSolutionsChecks(app));

app.synth();
