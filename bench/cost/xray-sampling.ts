/**
 * How many invocations X-Ray records. A function with Active tracing is sampled by Lambda itself at
 * a fixed rate ("1 request per second and 5 percent of additional requests. You can't configure the
 * X-Ray sampling rate for your functions": the Lambda developer guide, services-xray), whatever
 * X-Ray sampling rules the account has; taken here as one reservoir per function. An invocation
 * the SQS event source makes is a trace of its own (linked to the messages' traces). A PassThrough
 * function is traced only when an upstream service sampled the request: HTTP APIs do not support
 * X-Ray, so only the messages ingest itself marks sampled (usage.ts, markedTraces).
 *
 * Arrivals are taken as Poisson at the monthly average rate: at low rates almost every request is
 * the first of its second and is recorded, which is why Active tracing records nearly everything
 * below 1 request/s.
 */

export interface SamplingRate {
  /** Requests recorded each second before the fixed rate applies. */
  reservoirPerSecond: number;
  fixedRate: number;
}

export const LAMBDA_ACTIVE_SAMPLING: SamplingRate = { reservoirPerSecond: 1, fixedRate: 0.05 };

/** The share of requests recorded when they arrive at `perSecond` on average. */
export function sampledFraction(rate: SamplingRate, perSecond: number): number {
  if (perSecond <= 0) return 0;
  // E[min(K, r)] for K ~ Poisson(λ): the requests the reservoir takes each second.
  let reservoir = 0;
  let p = Math.exp(-perSecond);
  let below = 0;
  for (let k = 0; k < rate.reservoirPerSecond; k++) {
    reservoir += k * p;
    below += p;
    p *= perSecond / (k + 1);
  }
  reservoir += rate.reservoirPerSecond * (1 - below);
  return (reservoir + rate.fixedRate * (perSecond - reservoir)) / perSecond;
}

/** The share of a function's invocations recorded, given its tracing mode and invocation rate. */
export const tracedShare = (tracing: "Active" | "PassThrough", perSecond: number) =>
  tracing === "Active" ? sampledFraction(LAMBDA_ACTIVE_SAMPLING, perSecond) : 0;
