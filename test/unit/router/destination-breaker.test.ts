import { describe, expect, it } from "vitest";
import { type Admission, DestinationBreakers } from "../../../shared/router/destination-breaker";

const A = "https://a.example.com/agent";
const B = "https://b.example.com/agent";

function clock(start = 0) {
  let now = start;
  return { now: () => now, advance: (ms: number) => (now += ms) };
}

async function fail(breakers: DestinationBreakers, destination: string, times: number) {
  for (let i = 0; i < times; i++) {
    const admission = await breakers.admit(destination);
    if (admission.admitted) admission.release("failed");
  }
}

const admitted = (a: Admission) => {
  if (!a.admitted) throw new Error(`refused: ${a.reason}`);
  return a;
};

describe("DestinationBreakers", () => {
  it("opens a destination after 5 consecutive failures, refusing at once with the time left", async () => {
    const c = clock();
    const breakers = new DestinationBreakers(
      { failureThreshold: 5, recoveryMs: 30_000, maxInFlight: 5 },
      c.now,
    );
    await fail(breakers, A, 4);
    expect((await breakers.admit(A)).admitted).toBe(true); // 4 failures: still closed
    await fail(breakers, A, 1);
    c.advance(10_000);
    const refused = await breakers.admit(A);
    expect(refused).toMatchObject({ admitted: false, retryInMs: 20_000 });
    expect(refused.admitted === false && refused.reason).toContain(A);
  });

  it("answers whether it would refuse without taking a slot or starting the half-open probe", async () => {
    const c = clock();
    const breakers = new DestinationBreakers(
      { failureThreshold: 1, recoveryMs: 30_000, maxInFlight: 1 },
      c.now,
    );
    const slot = admitted(await breakers.admit(A));
    expect(breakers.refusalOf(A)).toBeUndefined(); // busy but closed: the one slot is not taken
    slot.release("failed");
    expect(breakers.refusalOf(A)).toMatchObject({ admitted: false, retryInMs: 30_000 });
    c.advance(30_000);
    expect(breakers.refusalOf(A)).toBeUndefined();
    expect(breakers.refusalOf(A)).toBeUndefined(); // asking twice starts no probe
    admitted(await breakers.admit(A)).release("succeeded");
  });

  it("keeps destinations apart: another agent's failures never refuse this one", async () => {
    const breakers = new DestinationBreakers({ failureThreshold: 2, recoveryMs: 30_000, maxInFlight: 5 });
    await fail(breakers, A, 10);
    expect((await breakers.admit(A)).admitted).toBe(false);
    expect((await breakers.admit(B)).admitted).toBe(true);
  });

  it("a success resets the count: interleaved failures never open it", async () => {
    const breakers = new DestinationBreakers({ failureThreshold: 3, recoveryMs: 30_000, maxInFlight: 5 });
    for (let i = 0; i < 5; i++) {
      await fail(breakers, A, 2);
      admitted(await breakers.admit(A)).release("succeeded");
    }
    expect((await breakers.admit(A)).admitted).toBe(true);
  });

  it("lets one probe through after the recovery time: success closes it, failure reopens it", async () => {
    const c = clock();
    const breakers = new DestinationBreakers(
      { failureThreshold: 1, recoveryMs: 30_000, maxInFlight: 5 },
      c.now,
    );
    await fail(breakers, A, 1);
    c.advance(30_000);
    const probe = admitted(await breakers.admit(A));
    expect((await breakers.admit(A)).admitted).toBe(false); // only one probe at a time
    probe.release("failed");
    expect(await breakers.admit(A)).toMatchObject({ admitted: false, retryInMs: 30_000 });
    c.advance(30_000);
    admitted(await breakers.admit(A)).release("succeeded");
    admitted(await breakers.admit(A)).release("succeeded");
  });

  it("limits calls in flight per destination; a waiting call is refused if the breaker opened meanwhile", async () => {
    const breakers = new DestinationBreakers({ failureThreshold: 1, recoveryMs: 30_000, maxInFlight: 1 });
    const first = admitted(await breakers.admit(A));
    const waiting = breakers.admit(A);
    const other = await breakers.admit(B); // B is not held up by A's slot
    expect(other.admitted).toBe(true);
    first.release("failed");
    expect((await waiting).admitted).toBe(false);
  });

  it("a waiting call goes ahead when the call before it succeeds", async () => {
    const breakers = new DestinationBreakers({ failureThreshold: 1, recoveryMs: 30_000, maxInFlight: 1 });
    const first = admitted(await breakers.admit(A));
    let started = false;
    const waiting = breakers.admit(A).then((a) => {
      started = true;
      return a;
    });
    await new Promise((r) => setTimeout(r, 5));
    expect(started).toBe(false);
    first.release("succeeded");
    admitted(await waiting).release("succeeded");
  });
});
