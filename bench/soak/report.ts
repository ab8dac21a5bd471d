import type { FaultProxy } from "../../local/faults/fault-proxy";
import { fmtInt, formatTable } from "../lib/table";
import type { InjectedFault } from "./faults";
import { FATES, type Reconciliation } from "./reconcile";
import { SAME_ID_SOURCES } from "./teams";

export interface RunFigures {
  command: string;
  sendSeconds: number;
  drainSeconds: number;
  drained: boolean;
  /** This process's event-loop delay: how late its agent and proxies may answer. */
  loopDelayMs: { p99: number; max: number };
  injected: readonly InjectedFault[];
  proxies: { dynamodb: FaultProxy; sqs: FaultProxy };
  /** False for a baseline run: the broken team's webhooks were planned but not sent. */
  brokenTeamSent: boolean;
}

const n = fmtInt;
const rows = (entries: Array<[string, number | string]>) =>
  entries.map(([label, value]) => [label, typeof value === "number" ? n(value) : value]);
/** `1 ×8,000, 2 ×300, no record ×2`: counts by key, numbers in order first. */
const counts = <K extends string | number>(map: ReadonlyMap<K, number>) =>
  [...map]
    .sort(([a], [b]) => (typeof a === typeof b ? (a < b ? -1 : 1) : typeof a === "number" ? -1 : 1))
    .map(([key, count]) => `${key} ×${n(count)}`)
    .join(", ") || "none";
const slash = (...values: number[]) => values.map(n).join(" / ");

/** Same-id sources, oversized identifiers and the team whose agent is down. */
function isolationRows(r: Reconciliation, figures: RunFigures): Array<[string, number | string]> {
  const { sameId, badData, isolation } = r;
  const healthyDelivered = [...isolation.healthyAttempts.values()].reduce((sum, c) => sum + c, 0);
  const firstTime = isolation.healthyAttempts.get(1) ?? 0;
  return [
    [`same-id alert groups (${SAME_ID_SOURCES.join(", ")})`, sameId.groups],
    ["  delivered from every source", sameId.deliveredFromEverySource],
    ["  alerts lost to another source's key", sameId.lost.length],
    [
      "oversized-identifier events acknowledged / refused by ingest",
      slash(badData.oversized, badData.refused),
    ],
    ["  ended as", counts(badData.byStatus)],
    ["records deferred by a DynamoDB validation error", badData.validationDeferrals.length],
    [
      "team whose agent is down: events acknowledged",
      figures.brokenTeamSent ? n(isolation.brokenEvents) : "not sent (--no-broken-team)",
    ],
    ["  that reached an agent", isolation.brokenReachedAgent.length],
    [
      "  its deferrals seen / by its open circuit",
      slash(isolation.brokenDeferrals.all, isolation.brokenDeferrals.circuitOpen),
    ],
    ["healthy team: deferrals seen (retrying records)", isolation.healthyDeferrals],
    ["  held back for the other team (its agent or a foreign circuit)", isolation.costly.length],
    ["  by its own agent's circuit outside its outages", isolation.ownCircuitOutsideOutages],
    ["healthy team: deliveries by receive count", counts(isolation.healthyAttempts)],
    [
      "  delivered on the first receive",
      healthyDelivered === 0 ? "n/a" : `${((100 * firstTime) / healthyDelivered).toFixed(1)}%`,
    ],
  ];
}

function faultRows(figures: RunFigures): Array<[string, string]> {
  const windows = (kind: InjectedFault["kind"]) => {
    const list = figures.injected.filter((f) => f.kind === kind);
    const seconds = list.reduce((sum, f) => sum + (f.endedAt - f.startedAt) / 1000, 0);
    return `${list.length} (${seconds.toFixed(1)} s)`;
  };
  const proxied = (proxy: FaultProxy, name: string) => n(proxy.counts.get(name) ?? 0);
  const { dynamodb, sqs } = figures.proxies;
  return [
    ["agent down windows", windows("agent-down")],
    ["DynamoDB unreachable windows", windows("dynamodb-down")],
    [
      "DynamoDB requests throttled / reset",
      `${proxied(dynamodb, "throttled")} / ${proxied(dynamodb, "reset (unreachable)")}`,
    ],
    ["queue refusing sends windows", windows("sqs-refuse")],
    ["SendMessage calls refused", proxied(sqs, "send refused")],
    [
      "router processes killed (SIGKILL)",
      n(figures.injected.filter((f) => f.kind === "router-crash").length),
    ],
  ];
}

/** The reconciliation as plain-text tables, and the verdict. */
export function formatReport(r: Reconciliation, figures: RunFigures): string {
  const sent = rows([
    ["sent (webhooks)", r.sent],
    [
      "  routable / unknown team / oversized identifier / bad signature / agent down",
      slash(
        r.byClass.routable,
        r.byClass["unknown-team"],
        r.byClass["oversized-id"],
        r.byClass["bad-signature"],
        r.byClass["broken-team"],
      ),
    ],
    [
      "  payloads hand-written / large (S3) / 5,000 deep / same-id alerts",
      slash(r.byShape.odd, r.byShape.large, r.byShape.deep, r.byShape["same-id"]),
    ],
    [
      "  of which resends: duplicates / Slack retries",
      `${n(r.byKind.duplicate)} / ${n(r.byKind["slack-retry"])}`,
    ],
    ["HTTP requests (with senders' retries)", r.httpRequests],
    [
      "  answers by status",
      [...r.ingestAnswers]
        .sort(([a], [b]) => a - b)
        .map(([status, count]) => `${status || "none"} ×${n(count)}`)
        .join(", "),
    ],
    ["acknowledged (2xx accepted)", r.acknowledged],
    ["ignored (2xx, not queued)", r.ignored],
    ...[...r.refused].sort().map(([reason, count]): [string, number] => [`refused: ${reason}`, count]),
  ]);
  const fates = rows([
    ["acknowledged events", r.acknowledgedEvents],
    ...FATES.map((fate): [string, number] => [`  ${fate}`, r.fates[fate]]),
    ["highest receive count reached", r.maxAttempts],
    ["dead-letter queue messages", r.deadLetters.messages],
    ["  recorded dead with the reason", r.deadLetters.recordedDead],
    ["  whose delivery key reached the agent anyway", r.deadLetters.keyDelivered],
  ]);
  const agent = rows([
    ["requests", r.agent.requests],
    ["accepted (2xx)", r.agent.accepted],
    ["unique delivery keys accepted", r.agent.uniqueKeys],
    ...[...r.agent.refusedByStatus]
      .sort()
      .map(([status, count]): [string, number] => [`answered ${status}`, count]),
    ["accepted after the router had gone (timed out or killed)", r.agent.callerGone],
    ["keys accepted again: the router never heard the first", r.duplicates.unheard],
    ["keys accepted again: the router was killed before recording it", r.duplicates.afterCrash],
    [
      "keys accepted again: the answer could not be recorded, then the router was killed",
      r.duplicates.unrecordedCrash,
    ],
    ["keys accepted twice otherwise (duplicates)", r.duplicates.unexplained.length],
    ["payloads compared with what the sender signed", r.payloads.compared],
    ["  not byte for byte what was signed", r.payloads.mismatched.length],
    ["bodies that are not an agent request", r.payloads.notAgentRequests],
    ["bad signatures delivered", r.badSignatureDelivered.length],
    ["unknown-team events delivered", r.unknownTeamDelivered.length],
    ["oversized-identifier events delivered", r.oversizedDelivered.length],
    ["keys delivered without an acknowledgement", r.deliveredUnacknowledged.length],
    ["requests with a bad router signature", r.agent.unverified],
  ]);
  const run = [
    ["sending (s)", figures.sendSeconds.toFixed(1)],
    ["drain after sending (s)", `${figures.drainSeconds.toFixed(1)}${figures.drained ? "" : " (timed out)"}`],
    [
      "soak process event-loop delay p99 / max (ms)",
      `${figures.loopDelayMs.p99.toFixed(0)} / ${figures.loopDelayMs.max.toFixed(0)}`,
    ],
    ...faultRows(figures),
  ];
  const verdict =
    r.problems.length === 0
      ? "PASS: every acknowledged event is accounted for; no delivery key was accepted twice unexplained; no bad signature delivered; every payload byte for byte; no source's alert lost to another's; oversized identifiers unrouted alone; the broken team cost the healthy one nothing"
      : `FAIL:\n${r.problems.map((p) => `  - ${p}`).join("\n")}`;
  // The first few of each kind of problem: enough to start looking from.
  const examples = [
    r.unaccounted.map((u) => `unaccounted ${u.eventId} ${u.key} (events table: ${u.status})`),
    r.duplicates.unexplained.map((d) => `accepted twice: ${d.key} (event ids ${d.eventIds.join(", ")})`),
    r.payloads.mismatched.map(
      (m) => `payload of ${m.key} (${m.eventId}): ${n(m.received.bytes)} bytes, signed ${n(m.signed.bytes)}`,
    ),
    r.sameId.lost.map(
      (l) =>
        `lost same-id alert ${l.key} (${l.eventId}): ${l.status}${l.duplicateOf ? ` of ${l.duplicateOf}` : ""}`,
    ),
    r.badData.unsettled.map((u) => `oversized identifier ${u.eventId}: ended ${u.status}`),
    r.badData.validationDeferrals.map((d) => `deferred ${d.eventId}: ${d.reason}`),
    r.isolation.costly.map((d) => `healthy ${d.eventId} held back (${d.why}): ${d.reason}`),
  ].flatMap((lines) => lines.slice(0, 10).map((line) => `  ${line}`));
  return [
    `soak: ${figures.command}`,
    "",
    formatTable(["webhooks", "count"], sent),
    "",
    formatTable(["acknowledged events", "count"], fates),
    "",
    formatTable(["at the agent", "count"], agent),
    "",
    formatTable(["sources, bad data and isolation", "count"], rows(isolationRows(r, figures))),
    "",
    formatTable(["run and faults", "value"], run),
    "",
    verdict,
    ...examples,
  ].join("\n");
}
