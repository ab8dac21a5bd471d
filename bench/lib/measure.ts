/** Timing helpers for the benchmarks: per-call samples, a warm-up phase and a time budget. */
import { closeSync, openSync, writeSync } from "node:fs";

export interface Stats {
  name: string;
  iterations: number;
  meanUs: number;
  p50Us: number;
  p99Us: number;
  opsPerSec: number;
}

export interface MeasureOptions {
  /**
   * Untimed calls first, so the JIT has compiled the hot path: this many ms of the process's CPU
   * time (each function's own, when interleaved), not of the clock, which on a loaded machine
   * would leave the function with the most code still running unoptimised when timing starts.
   */
  warmupMs?: number;
  /** Time spent on timed calls (ms). */
  budgetMs?: number;
  /** At least this many timed calls, whatever the budget. */
  minIterations?: number;
  /** At most this many timed calls. */
  maxIterations?: number;
}

const DEFAULTS: Required<MeasureOptions> = {
  warmupMs: 300,
  budgetMs: 1200,
  minIterations: 200,
  maxIterations: 200_000,
};

function percentile(sorted: Float64Array, p: number): number {
  if (sorted.length === 0) return Number.NaN;
  const index = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[index]!;
}

export function summarise(name: string, samplesNs: Float64Array): Stats {
  const sorted = Float64Array.from(samplesNs).sort();
  let total = 0;
  for (const s of sorted) total += s;
  const meanNs = total / sorted.length;
  return {
    name,
    iterations: sorted.length,
    meanUs: meanNs / 1000,
    p50Us: percentile(sorted, 50) / 1000,
    p99Us: percentile(sorted, 99) / 1000,
    opsPerSec: 1e9 / meanNs,
  };
}

/**
 * Times `fn` one call at a time (each awaited): a warm-up of `warmupMs` CPU time, then timed calls until
 * `budgetMs` is spent (bounded by `minIterations`/`maxIterations`). The clock is read around each
 * call with `process.hrtime.bigint()`, whose own cost (~50 ns) is negligible next to a handler call.
 */
export async function measure(
  name: string,
  fn: () => unknown | Promise<unknown>,
  options: MeasureOptions = {},
): Promise<Stats> {
  const { warmupMs, budgetMs, minIterations, maxIterations } = { ...DEFAULTS, ...options };
  await warmUp(fn, warmupMs);

  let samples = new Float64Array(4096);
  let count = 0;
  const end = performance.now() + budgetMs;
  while ((count < minIterations || performance.now() < end) && count < maxIterations) {
    const start = process.hrtime.bigint();
    {
      const pending = call(fn);
      if (pending) await pending;
    }
    const elapsed = Number(process.hrtime.bigint() - start);
    if (count === samples.length) {
      const grown = new Float64Array(samples.length * 2);
      grown.set(samples);
      samples = grown;
    }
    samples[count++] = elapsed;
  }
  return summarise(name, samples.subarray(0, count));
}

/**
 * Times several functions together: short slices of each in turn (A, B, C, A, B, C, …) until the
 * budget is spent, so that a change in machine load (other processes, frequency scaling) affects
 * all of them alike and their ratio stays meaningful. Each call is awaited and timed alone.
 */
export async function measureInterleaved(
  cases: readonly { name: string; fn: () => unknown | Promise<unknown> }[],
  options: MeasureOptions & { sliceMs?: number } = {},
): Promise<Stats[]> {
  const { warmupMs, budgetMs, minIterations, maxIterations } = { ...DEFAULTS, ...options };
  const sliceMs = options.sliceMs ?? 25;
  for (const c of cases) await warmUp(c.fn, warmupMs);
  const samples = cases.map(() => new Float64Array(4096));
  const counts = cases.map(() => 0);
  const end = performance.now() + budgetMs;
  const more = (i: number) =>
    counts[i]! < maxIterations && (counts[i]! < minIterations || performance.now() < end);
  while (cases.some((_, i) => more(i))) {
    for (let i = 0; i < cases.length; i++) {
      if (!more(i)) continue;
      const fn = cases[i]!.fn;
      const sliceEnd = performance.now() + sliceMs;
      do {
        const start = process.hrtime.bigint();
        {
          const pending = call(fn);
          if (pending) await pending;
        }
        const elapsed = Number(process.hrtime.bigint() - start);
        if (counts[i] === samples[i]!.length) {
          const grown = new Float64Array(samples[i]!.length * 2);
          grown.set(samples[i]!);
          samples[i] = grown;
        }
        samples[i]![counts[i]!++] = elapsed;
      } while (performance.now() < sliceEnd && counts[i]! < maxIterations);
    }
  }
  return cases.map((c, i) => summarise(c.name, samples[i]!.subarray(0, counts[i])));
}

/** The process's CPU time so far (user and system), in ms. */
function cpuMs(): number {
  const { user, system } = process.cpuUsage();
  return (user + system) / 1000;
}

/** Calls `fn` until the process has spent `ms` of CPU time on it (the JIT's own threads included). */
async function warmUp(fn: () => unknown, ms: number): Promise<void> {
  const end = cpuMs() + ms;
  while (cpuMs() < end) {
    const pending = call(fn);
    if (pending) await pending;
  }
}

/** Awaits only real promises: a synchronous baseline is not charged a microtask turn. */
function call(fn: () => unknown): Promise<unknown> | undefined {
  const result = fn();
  return result instanceof Promise ? result : undefined;
}

export function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

/**
 * Runs `fn` with process.stdout/stderr writes sent to /dev/null: the handler's structured logs and
 * EMF metrics are still formatted and written by a system call, as a Lambda function writes its
 * log lines, only not printed.
 */
export async function withOutputDiscarded<T>(fn: () => Promise<T>): Promise<T> {
  const out = process.stdout.write;
  const err = process.stderr.write;
  const devNull = openSync("/dev/null", "w");
  const discard = ((chunk: string | Uint8Array) => {
    if (typeof chunk === "string") writeSync(devNull, chunk);
    else writeSync(devNull, chunk);
    return true;
  }) as typeof process.stdout.write;
  process.stdout.write = discard;
  process.stderr.write = discard;
  try {
    return await fn();
  } finally {
    process.stdout.write = out;
    process.stderr.write = err;
    closeSync(devNull);
  }
}
