import type { IncomingHttpHeaders } from "node:http";

/**
 * Holds the event source's receives back while a case's webhooks are sent (a gate for the SQS
 * proxy): ingest and the router then do not share the one local process's CPU, as they share
 * nothing in AWS, and every batch the router then gets is full.
 */
export class ReceivePause {
  private held: { until: Promise<void>; release(): void } | undefined;

  pause = (): void => {
    let release!: () => void;
    const until = new Promise<void>((resolve) => {
      release = resolve;
    });
    this.held = { until, release };
  };

  resume = (): void => {
    this.held?.release();
    this.held = undefined;
  };

  gate = async (headers: IncomingHttpHeaders): Promise<void> => {
    if (this.held && String(headers["x-amz-target"]).endsWith(".ReceiveMessage")) await this.held.until;
  };
}
