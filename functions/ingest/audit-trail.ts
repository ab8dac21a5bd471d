import type { RequestAudit, RequestRecord } from "../../shared/audit/request-record";
import type { IngestConfig } from "../../shared/config/ingest-config";
import { deferredLogger } from "../../shared/observability/deferred-logger";

/**
 * The audit trail in the events table, its DynamoDB client loaded on the first request that needs
 * a record: most requests are accepted and never do, and the client would otherwise add its load
 * time to every cold start. A write that fails is logged; the request was already answered.
 */
export function auditTrail(settings: NonNullable<IngestConfig["audit"]>): RequestAudit {
  let loading: Promise<RequestAudit> | undefined;
  const load = () => {
    loading ??= Promise.all([
      import("@aws-sdk/client-dynamodb"),
      import("../../shared/adapters/dynamodb/dynamodb-request-audit"),
    ]).then(
      ([{ DynamoDBClient }, { DynamoDbRequestAudit }]) =>
        new DynamoDbRequestAudit({
          client: new DynamoDBClient({}),
          tableName: settings.eventsTable,
          retentionDays: settings.retentionDays,
          perMinute: settings.perMinute,
          onError: (problem) => void deferredLogger.warn("audit record not written", { problem }),
        }),
    );
    return loading;
  };
  const pending = new Set<Promise<void>>();
  return {
    record(entry: RequestRecord) {
      const done = load()
        .then((audit) => audit.record(entry))
        .catch((error: unknown) =>
          deferredLogger.warn("audit record not written", { problem: (error as Error).message }),
        );
      pending.add(done);
      void done.finally(() => pending.delete(done));
    },
    async flush() {
      await Promise.all([...pending]);
      if (loading) await (await loading).flush();
    },
  };
}
