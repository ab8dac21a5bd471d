/** The reconciliation's port onto what the pipeline itself holds about a delivery. */
export interface AcceptedDeliveries {
  /**
   * Whether the pipeline accepted the delivery with this namespaced key (`github:<guid>`): its
   * delivery guard holds a claim for it, or the events table has an outcome record of it. GitHub
   * may have logged a failure for an event the pipeline queued (a 2xx lost on the way back).
   */
  accepted(deliveryKey: string): Promise<boolean>;
}
