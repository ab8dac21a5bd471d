import { App, Stack } from "aws-cdk-lib";
import { Stream } from "aws-cdk-lib/aws-kinesis";
import { FilterPattern, LogGroup, LogGroupClass, SubscriptionFilter } from "aws-cdk-lib/aws-logs";
import { KinesisDestination } from "aws-cdk-lib/aws-logs-destinations";
import { describe, expect, it } from "vitest";
import { refuseLogFilters } from "../../infra/constructs/infrequent-access-guard";

/** A stack with a guarded Infrequent Access group and a Standard one; `add` puts filters on them. */
function synthWith(add: (groups: { guarded: LogGroup; other: LogGroup; stack: Stack }) => void) {
  const app = new App();
  const stack = new Stack(app, "Guarded");
  const guarded = new LogGroup(stack, "AccessLogs", { logGroupClass: LogGroupClass.INFREQUENT_ACCESS });
  const other = new LogGroup(stack, "FunctionLogs");
  refuseLogFilters(guarded);
  add({ guarded, other, stack });
  return () => app.synth();
}

const metricFilter = (group: LogGroup) =>
  group.addMetricFilter("Errors", {
    filterPattern: FilterPattern.literal("ERROR"),
    metricNamespace: "Test",
    metricName: "Errors",
  });

describe("the Infrequent Access log group guard", () => {
  it("lets a stack without filters on the group synthesize, filters on other groups included", () => {
    expect(synthWith(({ other }) => metricFilter(other))).not.toThrow();
  });

  it("fails the synth for a metric filter on the group, naming both", () => {
    expect(synthWith(({ guarded }) => metricFilter(guarded))).toThrowError(
      /Guarded\/AccessLogs\/Errors filters Guarded\/AccessLogs, an Infrequent Access log group/,
    );
  });

  it("fails the synth for a subscription filter made anywhere in the stack", () => {
    const subscribe = ({ guarded, stack }: { guarded: LogGroup; stack: Stack }) => {
      new SubscriptionFilter(stack, "Shipper", {
        logGroup: guarded,
        destination: new KinesisDestination(new Stream(stack, "Stream")),
        filterPattern: FilterPattern.allEvents(),
      });
    };
    expect(synthWith(subscribe)).toThrowError(/Guarded\/Shipper filters Guarded\/AccessLogs/);
  });
});
