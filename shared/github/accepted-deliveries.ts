/** The reconciliation's port onto what the pipeline itself holds about a GitHub delivery. */
export interface AcceptedDeliveries {
  /**
   * Whether the pipeline accepted the delivery `guid` (keyed `/webhooks/github:<guid>`): its
   * delivery guard holds a claim for it, or the events table has an outcome of it recorded at or
   * after `since`. GitHub may log a failure for an event the pipeline queued (a 2xx lost on the way
   * back, a timeout after the queue write): redelivering it would only make a duplicate.
   */
  accepted(guid: string, since: Date): Promise<boolean>;
}
