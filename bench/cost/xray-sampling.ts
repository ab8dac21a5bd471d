import type { SamplingRuleFacts } from "./stack-facts";

/**
 * How many invocations X-Ray records, given the rule that matches them. A rule samples up to its
 * reservoir each second, then a fixed share of the rest; the reservoir is shared by every request
 * the rule matches (centralized sampling), so the traced functions' traffic is pooled per rule.
 * Arrivals are taken as Poisson at the monthly average rate: at low rates almost every request is
 * the first of its second and is recorded, which is why the default rule records nearly everything
 * below 1 request/s.
 */

/** X-Ray's default rule: the first request each second and 5 % of the others. */
export const DEFAULT_SAMPLING_RULE: SamplingRuleFacts = {
  name: "Default",
  priority: 10_000,
  fixedRate: 0.05,
  reservoirPerSecond: 1,
  serviceName: "*",
};

const glob = (pattern: string) =>
  new RegExp(
    `^${pattern
      .replace(/[.+^${}()|[\]\\]/g, "\\$&")
      .replace(/\*/g, ".*")
      .replace(/\?/g, ".")}$`,
  );

/** The lowest-priority-number custom rule whose service name matches, else the default rule. */
export function matchingRule(rules: readonly SamplingRuleFacts[], functionName: string): SamplingRuleFacts {
  const candidates = [...rules].sort((a, b) => a.priority - b.priority);
  return candidates.find((rule) => glob(rule.serviceName).test(functionName)) ?? DEFAULT_SAMPLING_RULE;
}

/** The share of requests recorded when they arrive at `perSecond` on average. */
export function sampledFraction(rule: SamplingRuleFacts, perSecond: number): number {
  if (perSecond <= 0) return 0;
  // E[min(K, r)] for K ~ Poisson(λ): the requests the reservoir takes each second.
  let reservoir = 0;
  let p = Math.exp(-perSecond);
  let below = 0;
  for (let k = 0; k < rule.reservoirPerSecond; k++) {
    reservoir += k * p;
    below += p;
    p *= perSecond / (k + 1);
  }
  reservoir += rule.reservoirPerSecond * (1 - below);
  return (reservoir + rule.fixedRate * (perSecond - reservoir)) / perSecond;
}
