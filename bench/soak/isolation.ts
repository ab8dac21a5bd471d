import type { AgentRequestRecord } from "../../local/faults/soak-agent";
import type { AckedEvent } from "./acknowledged";
import type { EventRow } from "./collect";
import type { Deferral } from "./deferrals";

/** Where each team's agent is, and when the healthy one was down (its own breaker may open then). */
export interface IsolationSetting {
  /** `host:port` of each agent, as a deferral's reason names its destination. */
  healthyDestination: string;
  brokenDestination: string;
  healthyOutages: ReadonlyArray<{ startedAt: number; endedAt: number }>;
  /** How long an open breaker waits before a probe (the router's CIRCUIT_BREAKER_RECOVERY_SECONDS). */
  breakerRecoveryMs: number;
  /** The router's timeout: a record may be written this long after its invocation started. */
  routerTimeoutMs: number;
}

/** A healthy-team deferral the broken team caused, and why the soak says so. */
export interface CostlyDeferral extends Deferral {
  why: string;
}

export interface IsolationCheck {
  brokenEvents: number;
  /** The broken team's deferrals, and those by its open circuit: the breaker the storms must open. */
  brokenDeferrals: { all: number; circuitOpen: number };
  /** Delivery keys of the broken team's events that reached an agent (the soak's: the only one up). */
  brokenReachedAgent: string[];
  healthyDeferrals: number;
  costly: CostlyDeferral[];
  /**
   * Healthy-team deferrals by its own agent's open circuit (named) outside that agent's outages: a
   * breaker re-opened by a failed probe (a 500 fault) does that; reported, not failed.
   */
  ownCircuitOutsideOutages: number;
  /** The healthy team's delivered events by the receive count they were delivered on (or none recorded). */
  healthyAttempts: Map<number | "no record", number>;
}

const CIRCUIT_OPEN = /circuit/i;

/**
 * The broken team's trouble costs the healthy team nothing. Its events must never reach an agent.
 * The healthy team's events may still be deferred by the soak's own faults, so the measure is why:
 * a healthy event held back with a reason naming the broken team's destination, or by an open
 * circuit that is not its own agent's (named, or explained by its own outage: while it was down or
 * within a breaker's recovery after), paid for the other team. The receive counts of the healthy
 * team's deliveries are reported to be compared with a run without the broken team's traffic.
 */
export function checkIsolation(
  acknowledged: readonly AckedEvent[],
  agent: readonly AgentRequestRecord[],
  outcomes: ReadonlyMap<string, EventRow>,
  deferrals: readonly Deferral[],
  deliveredIds: ReadonlySet<string>,
  setting: IsolationSetting,
): IsolationCheck {
  const brokenKeys = new Set(acknowledged.filter((e) => e.cls === "broken-team").map((e) => e.key));
  const healthyIds = new Set(acknowledged.filter((e) => e.cls === "routable").map((e) => e.eventId));
  const brokenIds = new Set(acknowledged.filter((e) => e.cls === "broken-team").map((e) => e.eventId));
  const brokenDeferrals = deferrals.filter((d) => brokenIds.has(d.eventId));
  const ownOutage = (at: number) =>
    setting.healthyOutages.some(
      (o) =>
        at >= o.startedAt - setting.routerTimeoutMs &&
        at <= o.endedAt + setting.breakerRecoveryMs + setting.routerTimeoutMs,
    );
  // Why a healthy event was held back: a cost to it (the reason), its own agent's circuit, or neither.
  const classify = (d: Deferral): string | "own circuit" | undefined => {
    if (d.reason.includes(setting.brokenDestination)) return "names the broken team's agent";
    if (!CIRCUIT_OPEN.test(d.reason) || ownOutage(d.at)) return undefined;
    if (d.reason.includes(setting.healthyDestination)) return "own circuit";
    return "an open circuit not named as its agent's, outside its agent's outages";
  };
  const healthy = deferrals.filter((d) => healthyIds.has(d.eventId));
  const classified = healthy.map((d) => ({ d, why: classify(d) }));
  const costly = classified.flatMap(({ d, why }) =>
    why === undefined || why === "own circuit" ? [] : [{ ...d, why }],
  );
  const healthyAttempts: IsolationCheck["healthyAttempts"] = new Map();
  for (const id of healthyIds) {
    if (!deliveredIds.has(id)) continue;
    // A delivery whose outcome could not be written (DynamoDB down) has no receive count.
    const attempts = outcomes.get(id)?.attempts ?? "no record";
    healthyAttempts.set(attempts, (healthyAttempts.get(attempts) ?? 0) + 1);
  }
  return {
    brokenEvents: brokenIds.size,
    brokenDeferrals: {
      all: brokenDeferrals.length,
      circuitOpen: brokenDeferrals.filter((d) => CIRCUIT_OPEN.test(d.reason)).length,
    },
    brokenReachedAgent: [...new Set(agent.filter((r) => brokenKeys.has(r.key)).map((r) => r.key))],
    healthyDeferrals: healthy.length,
    costly,
    ownCircuitOutsideOutages: classified.filter(({ why }) => why === "own circuit").length,
    healthyAttempts,
  };
}
