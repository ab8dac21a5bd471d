import { readFileSync } from "node:fs";
import { App, type Stack } from "aws-cdk-lib";
import { Template } from "aws-cdk-lib/assertions";
import type { CloudAssembly } from "aws-cdk-lib/cx-api";
import { readSettings } from "../../infra/settings";
import { WebhookPipelineStack } from "../../infra/webhook-pipeline-stack";

/** The feature flags `cdk synth` runs with, so the template under test is the one that deploys. */
const CDK_JSON_CONTEXT = JSON.parse(readFileSync(new URL("../../cdk.json", import.meta.url), "utf8"))
  .context as Record<string, unknown>;

export interface SynthesizedPipeline {
  app: App;
  stack: Stack;
  template: Template;
  assembly: CloudAssembly;
}

/**
 * Builds and synthesizes the stack with `context` on top of cdk.json's. `bundle: false` skips
 * esbuild (CDK's `aws:cdk:bundling-stacks` = none) and CloudFormation's schema validation for
 * suites that only look at the template. `beforeSynth` runs between building and synthesizing
 * (e.g. to register validation plugins).
 */
export function synthPipeline(
  context: Record<string, unknown> = {},
  options: { bundle?: boolean; beforeSynth?: (app: App, stack: Stack) => void } = {},
): SynthesizedPipeline {
  const app = new App({
    // CloudFormation's schema validation runs on the full (bundled) synthesis only, to keep the
    // template-only suites quick; `npm run synth` always runs it.
    builtinCloudFormationValidation: options.bundle !== false,
    context: {
      ...CDK_JSON_CONTEXT,
      ...context,
      ...(options.bundle === false ? { "aws:cdk:bundling-stacks": [] } : {}),
    },
  });
  const settings = readSettings((name) => app.node.tryGetContext(name));
  const stack = new WebhookPipelineStack(app, "WebhookPipeline", { settings });
  options.beforeSynth?.(app, stack);
  const assembly = app.synth();
  return { app, stack, template: Template.fromStack(stack), assembly };
}

/** A piece of template JSON: loosely typed, the assertions themselves check its shape. */
// biome-ignore lint/suspicious/noExplicitAny: CloudFormation template JSON, checked by the assertions
export type Json = Record<string, any>;

/** The logical ID a `Ref` or `Fn::GetAtt` points at. */
export function refId(value: unknown): string {
  const v = value as Json;
  if (typeof v?.Ref === "string") return v.Ref;
  const getAtt = v?.["Fn::GetAtt"];
  if (Array.isArray(getAtt) && typeof getAtt[0] === "string") return getAtt[0];
  throw new Error(`not a Ref or Fn::GetAtt: ${JSON.stringify(value)}`);
}

/** `<logical id>.Arn` + suffix for an object ARN pattern (`Fn::Join` of a `Fn::GetAtt` and a path), else undefined. */
export function objectArnOf(value: unknown): { id: string; suffix: string } | undefined {
  const parts = (value as Json)?.["Fn::Join"]?.[1];
  if (!Array.isArray(parts) || parts.length !== 2 || typeof parts[1] !== "string") return undefined;
  return { id: refId(parts[0]), suffix: parts[1] };
}

/**
 * A `Fn::Join` of strings and pseudo-parameter `Ref`s as text, the Refs as `<AWS::Region>` the way
 * cdk-nag names them (`arn:<AWS::Partition>:secretsmanager:…`); undefined for anything else.
 */
export function joinedText(value: unknown): string | undefined {
  const join = (value as Json)?.["Fn::Join"];
  if (!Array.isArray(join) || join[0] !== "" || !Array.isArray(join[1])) return undefined;
  const parts = (join[1] as unknown[]).map((part) =>
    typeof part === "string"
      ? part
      : typeof (part as Json)?.Ref === "string"
        ? `<${(part as Json).Ref}>`
        : undefined,
  );
  return parts.every((part) => part !== undefined) ? parts.join("") : undefined;
}

export interface PolicyStatement {
  Sid?: string;
  Effect: string;
  Action: string | string[];
  Resource: unknown;
}

export const actionsOf = (s: PolicyStatement) => (Array.isArray(s.Action) ? s.Action : [s.Action]);
export const resourcesOf = (s: PolicyStatement) => (Array.isArray(s.Resource) ? s.Resource : [s.Resource]);

/** Every statement of every IAM policy attached to the role with this logical ID. */
export function statementsOfRole(template: Template, roleId: string): PolicyStatement[] {
  const policies = template.findResources("AWS::IAM::Policy");
  return Object.values(policies)
    .filter((p) => ((p.Properties as Json).Roles as unknown[]).some((r) => refId(r) === roleId))
    .flatMap((p) => ((p.Properties as Json).PolicyDocument as { Statement: PolicyStatement[] }).Statement);
}

/** Every statement of every IAM policy in the template. */
export function allStatements(template: Template): PolicyStatement[] {
  return Object.values(template.findResources("AWS::IAM::Policy")).flatMap(
    (p) => ((p.Properties as Json).PolicyDocument as { Statement: PolicyStatement[] }).Statement,
  );
}

/** The function resource with this logical ID and its properties. */
export function functionProps(template: Template, logicalId: string): Json {
  const fn = template.toJSON().Resources[logicalId];
  if (fn?.Type !== "AWS::Lambda::Function") throw new Error(`${logicalId} is not a Lambda function`);
  return fn.Properties as Json;
}

export const envOf = (props: Json) => (props.Environment as { Variables: Record<string, unknown> }).Variables;
