/** One redelivery the reconciliation asked GitHub for, as the audit trail keeps it. */
export interface RedeliveryRequest {
  guid: string;
  /** The attempt GitHub was asked to deliver again. */
  deliveryId: number;
  event: string;
  action?: string;
  /** The status of the delivery's first attempt. */
  firstStatus: number;
  /** Attempts GitHub had made so far. */
  attempts: number;
  requestedAt: Date;
}

/** The reconciliation's port onto its own audit records, one per guid it asked GitHub to redeliver. */
export interface RedeliveryLedger {
  /** When a redelivery of `guid` was last requested (and not refused by GitHub), if ever in the audit trail's retention. */
  lastRequested(guid: string): Promise<Date | undefined>;
  /**
   * Records the request before it is made, unless another one (not refused) was recorded at or after
   * `notBefore`: false then, and the caller does not ask GitHub (two runs at once redeliver once).
   */
  record(request: RedeliveryRequest, notBefore: Date): Promise<boolean>;
  /** GitHub refused the request: kept in the audit trail with the reason, and the guid may be tried again. */
  recordRefused(request: RedeliveryRequest, reason: string): Promise<void>;
}
