import type { AwsFaultSwitches } from "../../local/faults/aws-faults";
import type { FaultProxy } from "../../local/faults/fault-proxy";
import type { AgentAnswer, SoakAgent } from "../../local/faults/soak-agent";
import type { SoakOptions } from "./options";
import { choose } from "./random";

export type WindowFault = "agent-down" | "dynamodb-down" | "sqs-refuse";
export type FaultKind = WindowFault | "router-crash";

export interface PlannedFault {
  kind: FaultKind;
  /** The share of webhooks sent after which it starts (0.05 to 0.9). */
  at: number;
  seconds: number;
}

/** A fault as it happened (ms since the epoch). */
export interface InjectedFault {
  kind: FaultKind;
  startedAt: number;
  endedAt: number;
}

/** Where the faults are injected: the agent, the two proxies' switches, the router's supervisor. */
export interface FaultTargets {
  agent: SoakAgent;
  dynamodb: { switches: AwsFaultSwitches; proxy: FaultProxy };
  sqs: { switches: AwsFaultSwitches; proxy: FaultProxy };
  crashRouter(): void;
}

/** Every windowed fault and router crash at a random point of the sending, in the order they start. */
export function planFaults(faults: SoakOptions["faults"], random: () => number): PlannedFault[] {
  const at = () => 0.05 + random() * 0.85;
  const windows: Array<[WindowFault, SoakOptions["faults"]["agentDown"]]> = [
    ["agent-down", faults.agentDown],
    ["dynamodb-down", faults.dynamodbDown],
    ["sqs-refuse", faults.sqsRefuse],
  ];
  const plan: PlannedFault[] = windows.flatMap(([kind, w]) =>
    Array.from({ length: w.count }, () => ({ kind, at: at(), seconds: w.seconds })),
  );
  for (let i = 0; i < faults.routerCrashes; i++) plan.push({ kind: "router-crash", at: at(), seconds: 0 });
  return plan.sort((a, b) => a.at - b.at);
}

/** The agent's answer to one request, drawn from the fault rates; a hang outlasts the router's timeout. */
export function agentAnswers(
  faults: SoakOptions["faults"],
  agentTimeoutMs: number,
  random: () => number,
): () => AgentAnswer {
  const choices: Array<[number, AgentAnswer]> = [
    [faults.agent500, { kind: "status", status: 500 }],
    [faults.agent429, { kind: "status", status: 429, retryAfterSeconds: 1 }],
    [faults.agent400, { kind: "status", status: 400 }],
    [faults.agentHang, { kind: "hang", ms: agentTimeoutMs + 500 }],
  ];
  return () => choose(random, choices, { kind: "accept" });
}

/**
 * Starts each planned fault once sending has progressed to its point, and ends windows after their
 * seconds. Overlapping windows of one kind keep the fault on until the last one ends.
 */
export class FaultInjector {
  readonly injected: InjectedFault[] = [];
  private next = 0;
  private readonly active = new Map<WindowFault, number>();
  private readonly pending: Promise<void>[] = [];

  constructor(
    private readonly plan: readonly PlannedFault[],
    private readonly targets: FaultTargets,
    private readonly log: (line: string) => void,
  ) {}

  /** `sent` of `total` webhooks have been sent. */
  progress(sent: number, total: number): void {
    while (this.next < this.plan.length && sent >= this.plan[this.next]!.at * total) {
      this.start(this.plan[this.next++]!);
    }
  }

  /** Waits for every window still open to end. */
  async settled(): Promise<void> {
    await Promise.all(this.pending);
  }

  private start({ kind, seconds }: PlannedFault): void {
    const startedAt = Date.now();
    this.log(`fault: ${kind}${seconds ? ` for ${seconds} s` : ""}`);
    if (kind === "router-crash") {
      this.targets.crashRouter();
      this.injected.push({ kind, startedAt, endedAt: startedAt });
      return;
    }
    this.switch(kind, +1);
    const window =
      kind === "agent-down"
        ? this.targets.agent.goDown(seconds * 1000)
        : new Promise<void>((resolve) => setTimeout(resolve, seconds * 1000));
    this.pending.push(
      window.then(() => {
        this.switch(kind, -1);
        this.injected.push({ kind, startedAt, endedAt: Date.now() });
      }),
    );
  }

  private switch(kind: WindowFault, delta: number): void {
    const active = (this.active.get(kind) ?? 0) + delta;
    this.active.set(kind, active);
    const { dynamodb, sqs } = this.targets;
    if (kind === "dynamodb-down") {
      dynamodb.switches.unreachable = active > 0;
      if (active > 0) dynamodb.proxy.resetConnections();
    }
    if (kind === "sqs-refuse") sqs.switches.refuseSends = active > 0;
  }
}
