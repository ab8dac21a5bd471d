import { type Stack, Validations } from "aws-cdk-lib";
import { AwsSolutionsChecks } from "cdk-nag";
import { beforeAll, describe, expect, it } from "vitest";
import { synthPipeline } from "./synth-pipeline";

/** Every acknowledgement in the tree: construct path, rule id and reason. */
function acknowledgements(stack: Stack) {
  const found: { path: string; rule: string; reason: string }[] = [];
  for (const construct of stack.node.findAll()) {
    for (const entry of construct.node.metadata) {
      if (entry.type !== Validations.ACKNOWLEDGED_RULES_METADATA_KEY) continue;
      for (const [rule, reason] of Object.entries(entry.data as Record<string, string>)) {
        found.push({ path: construct.node.path, rule: rule.replace(/^Annotation::/, ""), reason });
      }
    }
  }
  return found;
}

/** The only rules the stack acknowledges, each for a reason stated next to the resource. */
const EXPECTED_ACKNOWLEDGED_RULES = [
  "AwsSolutions-APIG4", // webhook routes are authenticated by provider HMAC signatures, not authorizers
  "AwsSolutions-DDB3", // idempotency keys are TTL'd and not worth point-in-time recovery
  "AwsSolutions-IAM5[Resource::*]", // X-Ray tracing has no resource-level permissions
  // payload object keys are only known when a webhook arrives: put (ingest) / get (router) on one prefix
  "AwsSolutions-IAM5[Resource::<PayloadBucket.Arn>/payloads/*]",
  // team agent tokens are created by their teams after deployment: get on one name prefix
  "AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:secretsmanager:<AWS::Region>:<AWS::AccountId>:secret:webhook-pipeline/team-tokens/*]",
  "AwsSolutions-L1", // the runtime is fixed at nodejs22.x by the architecture
  "AwsSolutions-S1", // the payload bucket holds short-lived copies only: no access-log bucket kept longer
  "AwsSolutions-SMG4", // provider-issued secrets are rotated in the provider's settings screen
];

describe("cdk-nag AwsSolutions checks", () => {
  let stack: Stack;

  // One template-only synthesis (cdk-nag inspects resources, not function code), with the checks
  // registered as a validation plugin exactly as infra/app.ts does: any finding would fail it.
  beforeAll(() => {
    stack = synthPipeline(
      { alarmEmail: "oncall@example.com" },
      { bundle: false, beforeSynth: (app) => Validations.of(app).addPlugins(new AwsSolutionsChecks(app)) },
    ).stack;
  }, 120_000);

  it("find no unacknowledged error or warning", () => {
    const report = new AwsSolutionsChecks().validateScope(stack);
    const findings = report.violations.map(
      (v) => `${v.ruleName} (${v.severity}): ${v.violatingResources.map((r) => r.constructPath).join(", ")}`,
    );
    expect(findings).toEqual([]);
    expect(report.success).toBe(true);
  });

  it("are acknowledged for the expected rules only, each with a specific reason", () => {
    const found = acknowledgements(stack);
    expect([...new Set(found.map((a) => a.rule))].sort()).toEqual(EXPECTED_ACKNOWLEDGED_RULES);
    for (const { path, rule, reason } of found)
      expect(reason.length, `${rule} on ${path}`).toBeGreaterThan(80);
  });
});
