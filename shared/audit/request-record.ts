/** How ingest itself answered a request it did not queue (ARCHITECTURE.md, "Audit trail"). */
export const REQUEST_STATUSES = ["rejected", "ignored", "handshake"] as const;
export type RequestStatus = (typeof REQUEST_STATUSES)[number];

/**
 * What the audit trail keeps of a request ingest answered itself: who sent what to where and why it
 * was not queued. Never the body, a signature or a secret: a refused request's content is not
 * trusted, and may be an attacker's.
 */
export interface RequestRecord {
  status: RequestStatus;
  /** `bad_signature`, `malformed`, `too_large`, `unsupported_media_type`, `forbidden_ip`, `filtered: …`, `ping`, … */
  reason: string;
  /** The HTTP status ingest answered. */
  status_code: number;
  provider?: string;
  source?: string;
  route?: string;
  event_type?: string;
  delivery_key?: string;
  source_ip?: string;
  user_agent?: string;
  /** The API Gateway request id, also in the answer's `x-correlation-id` header. */
  correlation_id: string;
  received_at: string;
}

/** The ingest function's port onto the audit trail. */
export interface RequestAudit {
  /**
   * Keeps the record, without making the caller wait: ingest answers at once, and the write happens
   * alongside (it is tried once; a failure is logged, never retried on the request's time).
   */
  record(entry: RequestRecord): void;
  /** Waits for the writes under way (tests, the local pipeline, before a function is frozen). */
  flush(): Promise<void>;
}
