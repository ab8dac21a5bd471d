import type { EventsTableReader } from "../../shared/operations/events-table-reader";
import type { ReplayDeps } from "../../shared/operations/replay-event";
import type { RoutingTable } from "../../shared/routing/routing-table";
import type { SampleWebhook } from "../samples/sample-webhooks";
import type { AttemptLog } from "./attempt-log";
import type { RequestLog } from "./request-log";

/** The webhook API's answer to a sample the console sent. */
export interface SentSample {
  status: number;
  correlation_id: string;
  /** The answer's body (JSON text; empty for Slack interactivity's acknowledgement). */
  body: string;
}

/** What the console reads and does: the CLI's readers and use cases over the local pipeline's resources. */
export interface ConsoleDeps {
  events: EventsTableReader;
  routing: Pick<RoutingTable, "listTeams" | "getClaims">;
  replay: ReplayDeps;
  requests: RequestLog;
  attempts: AttemptLog;
  /** Freshly signed samples, one per route (`npm run send`'s). */
  samples: () => SampleWebhook[];
  /** Posts a sample to the local webhook API. */
  post: (sample: SampleWebhook) => Promise<SentSample>;
}
