/** One attempt GitHub made to deliver a webhook, as its delivery log lists it. */
export interface GitHubDelivery {
  /** The attempt's id: what a redelivery is requested for. */
  id: number;
  /** The `X-GitHub-Delivery` value, shared by a delivery and all its redeliveries. */
  guid: string;
  deliveredAt: Date;
  /** True for an attempt made on request (ours, or someone's click on "Redeliver"). */
  redelivery: boolean;
  /** The HTTP status the pipeline answered; 0 when GitHub got no answer (timeout, connection refused). */
  statusCode: number;
  event: string;
  action?: string;
}

/** The reconciliation's port onto GitHub's webhook delivery log (an App's hook, or a repository's or organisation's). */
export interface GitHubDeliveries {
  /**
   * The attempts delivered at or after `since`, newest first, page after page; stops reading pages
   * once it has passed `since` (the log is listed newest first).
   */
  listSince(since: Date): AsyncIterable<GitHubDelivery>;
  /** Asks GitHub to deliver the attempt `deliveryId` again; throws a `GitHubRequestError` when GitHub refuses. */
  redeliver(deliveryId: number): Promise<void>;
}

/** GitHub refused or failed a request: its status and message, never a token. */
export class GitHubRequestError extends Error {
  constructor(
    message: string,
    readonly status: number,
  ) {
    super(message);
    this.name = "GitHubRequestError";
  }
}
