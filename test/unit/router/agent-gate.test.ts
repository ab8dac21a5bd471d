import { describe, expect, it } from "vitest";
import { AgentGate } from "../../../shared/router/agent-gate";
import { CircuitOpenError } from "../../../shared/router/retry-later";

describe("AgentGate", () => {
  it("opens after the threshold of consecutive failures and refuses further calls", async () => {
    const gate = new AgentGate(1, 2);
    gate.failed();
    expect(gate.isOpen).toBe(false);
    gate.failed();
    expect(gate.isOpen).toBe(true);
    let called = false;
    await expect(
      gate.run(async () => {
        called = true;
      }),
    ).rejects.toBeInstanceOf(CircuitOpenError);
    expect(called).toBe(false);
  });

  it("resets the count on a success", () => {
    const gate = new AgentGate(1, 2);
    gate.failed();
    gate.succeeded();
    gate.failed();
    expect(gate.isOpen).toBe(false);
  });

  it("holds waiting calls back once the circuit opens while they wait", async () => {
    const gate = new AgentGate(1, 1);
    const calls: number[] = [];
    const results = await Promise.allSettled(
      [1, 2, 3].map((n) =>
        gate.run(async () => {
          calls.push(n);
          gate.failed();
        }),
      ),
    );
    expect(calls).toEqual([1]);
    expect(results.map((r) => r.status)).toEqual(["fulfilled", "rejected", "rejected"]);
  });
});
