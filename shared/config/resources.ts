/**
 * The one source of truth for the pipeline's AWS resources: key schemas, indexes, TTL attributes and
 * queue settings. The CDK stack and the local runner both build their resources from these, so a
 * table or queue created on a laptop matches the deployed one.
 */

export const ROUTING_TABLE = {
  /** `CLAIM#<kind>#<value>` for a claim item, `TEAM#<org_id>#<team_node_id>` for a team item. */
  partitionKey: "pk",
  /** Lists every team item (for `routes list`) without a scan: sparse, only team items carry `gsi1pk`. */
  teamIndex: { name: "teams", partitionKey: "gsi1pk", sortKey: "pk" },
} as const;

export const EVENTS_TABLE = {
  /** The envelope id of one event. */
  partitionKey: "event_id",
  ttlAttribute: "expires_at",
  /**
   * Lists events by outcome, newest first. Sparse: only items an operator hunts for carry
   * `listed_status` (every status but `delivered`), so a delivered event costs no index write.
   */
  statusIndex: { name: "by-listed-status", partitionKey: "listed_status", sortKey: "updated_at" },
  /** How long an outcome record is kept, except a delivered event's. */
  retentionDays: 30,
  /**
   * A delivered event's record, by default (`DELIVERED_RETENTION_DAYS`): nearly every record is one,
   * and its body is not kept, so there is nothing to replay. Never shorter than the idempotency
   * window: the delivery guard reads it to know a key was handled.
   */
  deliveredRetentionDays: 7,
} as const;

/** The delivery guard's claims: one item per namespaced delivery key. */
export const IDEMPOTENCY_TABLE = {
  /** The namespaced delivery key. */
  partitionKey: "id",
  /** The idempotency window by default (`IDEMPOTENCY_TTL_SECONDS`). */
  defaultWindowSeconds: 86_400,
  /** Epoch seconds: the claim is forgotten (and the key may be delivered again) after the idempotency window. */
  ttlAttribute: "expiration",
  /** The event id holding the key. */
  holderAttribute: "event_id",
  /** Epoch milliseconds until which the holder is still working on it; 0 once released. */
  claimUntilAttribute: "claim_until",
} as const;

export const WEBHOOK_QUEUE = {
  /** Deliveries before a message moves to the dead-letter queue. */
  maxReceiveCount: 5,
  /** The router's timeout; the queue's visibility timeout is six times this (AWS's guidance). */
  routerTimeoutSeconds: 30,
  retentionDays: 4,
  deadLetterRetentionDays: 14,
} as const;

export const visibilityTimeoutSeconds = (routerTimeoutSeconds: number = WEBHOOK_QUEUE.routerTimeoutSeconds) =>
  routerTimeoutSeconds * 6;

/** Webhook payloads too large for one queue message, kept while a message may still point at them. */
export const PAYLOAD_BUCKET = {
  /** Every payload key starts with this; the functions' S3 permissions are limited to it. */
  keyPrefix: "payloads/",
  /**
   * Outlives every message that can point at a payload: a message dead-lettered on its last day in
   * the webhook queue keeps its original enqueue time, so it can sit in the dead-letter queue (and be
   * redriven) until the longer of the two retentions; one day of margin on top.
   */
  expirationDays: Math.max(WEBHOOK_QUEUE.retentionDays, WEBHOOK_QUEUE.deadLetterRetentionDays) + 1,
} as const;

/** The scheduled GitHub delivery reconciler (deployed only with a GitHub App credentials secret). */
export const GITHUB_RECONCILER = {
  defaultRateMinutes: 15,
  /** Each run looks back this far by default: a delivery gets several runs' chances. */
  defaultWindowMinutes: 120,
  /** Redeliveries one run may request by default. */
  defaultMax: 100,
  defaultApiUrl: "https://api.github.com",
  /**
   * The function's timeout, room for the default maximum of redeliveries (GitHub asks for a second
   * between requests that change something) and a rate-limit wait; the schedule's rate may not be
   * shorter, so two runs never overlap.
   */
  timeoutMinutes: 9,
  minRateMinutes: 10,
  /** Its alarm on two failed runs in a row may span at most one day (CloudWatch's limit). */
  maxRateMinutes: 720,
  /** GitHub Enterprise Server keeps its delivery log 7 days (github.com 3): nothing older can be redelivered. */
  maxWindowMinutes: 7 * 24 * 60,
  /** Its EMF metrics, counted per run (dimension `service`); the stack alarms on `redeliveriesFailed`. */
  metrics: {
    foundFailed: "GitHubDeliveriesFoundFailed",
    requested: "GitHubRedeliveriesRequested",
    redeliveriesFailed: "GitHubRedeliveriesFailed",
  },
} as const;
