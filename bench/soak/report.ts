import type { FaultProxy } from "../../local/faults/fault-proxy";
import { fmtInt, formatTable } from "../lib/table";
import type { InjectedFault } from "./faults";
import { FATES, type Reconciliation } from "./reconcile";

export interface RunFigures {
  command: string;
  sendSeconds: number;
  drainSeconds: number;
  drained: boolean;
  /** This process's event-loop delay: how late its agent and proxies may answer. */
  loopDelayMs: { p99: number; max: number };
  injected: readonly InjectedFault[];
  proxies: { dynamodb: FaultProxy; sqs: FaultProxy };
}

const n = fmtInt;
const rows = (entries: Array<[string, number | string]>) =>
  entries.map(([label, value]) => [label, typeof value === "number" ? n(value) : value]);

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
      "  routable / unknown team / bad signature",
      `${n(r.byClass.routable)} / ${n(r.byClass["unknown-team"])} / ${n(r.byClass["bad-signature"])}`,
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
    ["keys accepted twice otherwise (duplicates)", r.duplicates.unexplained.length],
    ["bad signatures delivered", r.badSignatureDelivered.length],
    ["unknown-team events delivered", r.unknownTeamDelivered.length],
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
      ? "PASS: every acknowledged event is accounted for; no delivery key was accepted twice unexplained; no bad signature delivered"
      : `FAIL:\n${r.problems.map((p) => `  - ${p}`).join("\n")}`;
  const examples = r.unaccounted
    .slice(0, 10)
    .map((u) => `  unaccounted ${u.eventId} ${u.key} (events table: ${u.status})`)
    .concat(
      r.duplicates.unexplained
        .slice(0, 10)
        .map((d) => `  accepted twice: ${d.key} (event ids ${d.eventIds.join(", ")})`),
    );
  return [
    `soak: ${figures.command}`,
    "",
    formatTable(["webhooks", "count"], sent),
    "",
    formatTable(["acknowledged events", "count"], fates),
    "",
    formatTable(["at the agent", "count"], agent),
    "",
    formatTable(["run and faults", "value"], run),
    "",
    verdict,
    ...examples,
  ].join("\n");
}
