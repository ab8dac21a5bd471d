import type { Context, SQSBatchResponse, SQSEvent } from "aws-lambda";
import { WEBHOOK_QUEUE } from "../../shared/config/resources";
import { applyDecision } from "../../shared/router/apply-decision";
import { routeBatch } from "../../shared/router/route-batch";
import type { RouterDeps } from "../../shared/router/router-deps";
import { recordRouterResults } from "./record-result";
import { routerDepsFromEnv } from "./router-deps-from-env";

/**
 * The remaining time when no Lambda context is given (tests, ad-hoc calls): the router's configured
 * timeout from the start of the invocation.
 */
function remainingTime(context: Context | undefined): () => number {
  if (context && typeof context.getRemainingTimeInMillis === "function") {
    return () => context.getRemainingTimeInMillis();
  }
  const deadline = Date.now() + WEBHOOK_QUEUE.routerTimeoutSeconds * 1000;
  return () => Math.max(0, deadline - Date.now());
}

/**
 * The router function, given its dependencies (tests and the local runner pass their own): decide
 * every record, record each decision, log the batch (its metrics on its lines), and report the
 * records to retry as a partial batch response (each already has its backoff set as its visibility
 * timeout).
 */
export function createRouterHandler(deps: () => RouterDeps) {
  return async (event: SQSEvent, context?: Context): Promise<SQSBatchResponse> => {
    const routerDeps = deps();
    const remaining = remainingTime(context);
    const routed = await routeBatch(routerDeps, event.Records, remaining);
    const applied = await Promise.all(routed.map((r) => applyDecision(routerDeps, r, remaining)));
    recordRouterResults(applied);
    return {
      batchItemFailures: applied
        .filter((a) => a.retry)
        .map((a) => ({ itemIdentifier: a.routed.record.messageId })),
    };
  };
}

let defaultDeps: RouterDeps | undefined;

/** Built on first use from the environment, then reused by every warm invocation (breakers included). */
function depsFromEnv(): RouterDeps {
  defaultDeps ??= routerDepsFromEnv();
  return defaultDeps;
}

/**
 * The deployed handler, with no middleware: no Lambda context in the log lines (each names its
 * events; Lambda's own records name the invocation), no metrics to flush (they ride on the batch's
 * lines, record-result.ts), and no early-timeout timer (the router keeps its own deadline,
 * `remainingTime`).
 */
export const handler = createRouterHandler(depsFromEnv);
