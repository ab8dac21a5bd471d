import { Stack } from "aws-cdk-lib";
import { CfnMetricFilter, CfnSubscriptionFilter, type LogGroup } from "aws-cdk-lib/aws-logs";
import type { IConstruct } from "constructs";

/** The construct a CloudFormation resource was made by (an L2's `Resource`: the L2's path). */
const nameOf = (resource: IConstruct) =>
  resource.node.id === "Resource" && resource.node.scope ? resource.node.scope.node.path : resource.node.path;

/**
 * Fails `cdk synth` if the stack puts a metric filter or a subscription filter on this log group:
 * an Infrequent Access group supports neither, so the mistake stops the synth, naming the filter,
 * instead of reaching a deployment.
 */
export function refuseLogFilters(logGroup: LogGroup): void {
  logGroup.node.addValidation({
    validate: () => {
      const stack = Stack.of(logGroup);
      const target = JSON.stringify(stack.resolve(logGroup.logGroupName));
      return stack.node
        .findAll()
        .filter(
          (c): c is CfnMetricFilter | CfnSubscriptionFilter =>
            c instanceof CfnMetricFilter || c instanceof CfnSubscriptionFilter,
        )
        .filter((filter) => JSON.stringify(stack.resolve(filter.logGroupName)) === target)
        .map(
          (filter) =>
            `${nameOf(filter)} filters ${logGroup.node.path}, an Infrequent Access log group: ` +
            "it supports no metric or subscription filters (give it the STANDARD class, or filter another group)",
        );
    },
  });
}
