import middy from "@middy/core";
import { reconcileDeliveries } from "../../shared/github/reconcile-deliveries";
import { type ReconcileSetup, reconcileSetupFromEnv } from "./reconcile-deps-from-env";
import { recordReconcileFailure, recordReconcileResult } from "./record-result";

/** What a run returns (the invocation's result, for whoever invoked it by hand). */
export interface ReconcileSummary {
  since: string;
  foundFailed: number;
  requested: number;
  failed: number;
}

/** A run that could not reconcile; its message says why and how to fix it, never a secret. */
export class ReconcileFailedError extends Error {
  constructor(problem: string) {
    super(problem);
    this.name = "ReconcileFailedError";
  }
}

/**
 * The scheduled reconciler, given its setup (tests pass their own): look at GitHub's deliveries
 * of the last window and ask GitHub to redeliver those that never reached the pipeline. A run
 * that cannot (credentials, configuration, GitHub unavailable) logs why and fails, so Lambda
 * counts the error; the next scheduled run, whose window overlaps, tries again.
 */
export function createReconcileHandler(setup: () => ReconcileSetup, now: () => Date = () => new Date()) {
  return async (): Promise<ReconcileSummary> => {
    const started = now();
    try {
      const { config, deps } = setup();
      const since = new Date(started.getTime() - config.windowMinutes * 60_000);
      const report = await reconcileDeliveries(await deps(), {
        since,
        dryRun: false,
        max: config.maxRedeliveries,
        now,
      });
      recordReconcileResult(report, { since });
      const { foundFailed, requested, failed } = report;
      return { since: since.toISOString(), foundFailed, requested, failed };
    } catch (error) {
      throw new ReconcileFailedError(recordReconcileFailure(error));
    }
  };
}

let defaultSetup: ReconcileSetup | undefined;

/** Built on first use from the environment, then reused by every warm invocation. */
function setupFromEnv(): ReconcileSetup {
  defaultSetup ??= reconcileSetupFromEnv();
  return defaultSetup;
}

/** The deployed handler: middy with no middleware and no early-timeout timer, as the other functions. */
export const handler = middy(createReconcileHandler(setupFromEnv), { timeoutEarlyInMillis: 0 });
