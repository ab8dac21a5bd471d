/**
 * `npm run bench:e2e [-- --events 2000 --connections 10 --batch-size 10 --router-concurrency 2]`:
 * the whole local pipeline under a bounded load from a second process. Prints acknowledgements per
 * second, p50/p99 acknowledgement latency, how long the router takes to drain the queue, and checks
 * that every acknowledged event reached the agent exactly once (exit 1 if not).
 * `npm run bench:e2e -- --help` lists the flags.
 */
import { spawn } from "node:child_process";
import type { AgentDelivery } from "../local/agent/demo-agent";
import { eventually, startPipelineProcess } from "../local/process/pipeline-process";
import { namespacedDeliveryKey } from "../shared/envelope/delivery-key";
import { benchArgs, positiveNumber } from "./lib/cli";
import { fmt, fmtInt, formatTable } from "./lib/table";

interface LoadResult {
  requests: number;
  ok: number;
  non2xx: number;
  errors: number;
  timeouts: number;
  durationSeconds: number;
  latencyMs: { p50: number; p99: number; max: number };
  /** The X-GitHub-Delivery ids the pipeline acknowledged. */
  acknowledged: string[];
}

const USAGE = `npm run bench:e2e [-- options]

  --events N               signed GitHub webhooks to send (default 2000)
  --connections N          keep-alive connections they are sent over (default 10)
  --batch-size N           router batch size (default 10)
  --router-concurrency N   router invocations at once (default 2)
  --drain-timeout S        seconds to wait for the router to deliver everything (default 300)
  --help                   this text`;

const flags = benchArgs(USAGE, {
  events: { type: "string", default: "2000" },
  connections: { type: "string", default: "10" },
  "batch-size": { type: "string", default: "10" },
  "router-concurrency": { type: "string", default: "2" },
  "drain-timeout": { type: "string", default: "300" },
});
const values = Object.fromEntries(
  Object.entries(flags)
    .filter(([name]) => name !== "help")
    .map(([name, value]) => [name, String(positiveNumber(name, value as string, USAGE))]),
) as Record<"events" | "connections" | "batch-size" | "router-concurrency" | "drain-timeout", string>;

/** The agent receives the namespaced delivery key: the route, then GitHub's delivery id. */
const agentKey = (deliveryId: string) =>
  namespacedDeliveryKey({ route: "/webhooks/github", delivery_key: deliveryId });

function runLoad(url: string): Promise<LoadResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(
      process.execPath,
      [
        "--import",
        "tsx",
        "bench/e2e/load.ts",
        "--url",
        url,
        "--events",
        values.events!,
        "--connections",
        values.connections!,
      ],
      { stdio: ["ignore", "pipe", "inherit"] },
    );
    let out = "";
    child.stdout.on("data", (chunk: Buffer) => {
      out += chunk.toString();
    });
    child.on("error", reject);
    child.on("exit", (code) => {
      const line = out.trim().split("\n").at(-1) ?? "";
      if (code !== 0 || !line.startsWith("{"))
        reject(new Error(`the load generator failed (exit ${code}):\n${out}`));
      else resolve(JSON.parse(line) as LoadResult);
    });
  });
}

const pipeline = await startPipelineProcess(
  ["--batch-size", values["batch-size"]!, "--router-concurrency", values["router-concurrency"]!],
  { POWERTOOLS_LOG_LEVEL: "WARN", POWERTOOLS_METRICS_DISABLED: "true", AGENT_URL: "" },
);
try {
  const agent = pipeline.description.agentUrl.replace(/\/events$/, "");
  const started = performance.now();
  const load = await runLoad(pipeline.description.apiUrl);
  const loadEnded = performance.now();
  const expected = new Set(load.acknowledged.map(agentKey));
  let deliveries: AgentDelivery[] = [];
  await eventually(
    "the router to drain the queue",
    async () => {
      deliveries = (await (await fetch(`${agent}/deliveries`)).json()) as AgentDelivery[];
      return deliveries.filter((d) => expected.has(d.delivery_key)).length >= expected.size
        ? true
        : undefined;
    },
    Number(values["drain-timeout"]) * 1000,
  ).catch(() => undefined);
  const drained = performance.now();

  const perKey = new Map<string, number>();
  for (const d of deliveries) perKey.set(d.delivery_key, (perKey.get(d.delivery_key) ?? 0) + 1);
  const missing = [...expected].filter((key) => !perKey.has(key));
  const duplicated = [...perKey.values()].filter((n) => n > 1).length;
  const exactlyOnce = missing.length === 0 && duplicated === 0 && load.ok === load.requests;

  console.log(
    `\nend-to-end benchmark — ${load.requests} signed GitHub webhooks over ${values.connections} connections; ` +
      `router batch ${values["batch-size"]}, concurrency ${values["router-concurrency"]}; node ${process.version}\n`,
  );
  console.log(
    formatTable(
      ["figure", "value"],
      [
        ["acknowledged (200)", `${fmtInt(load.ok)} of ${fmtInt(load.requests)}`],
        ["non-2xx / errors / timeouts", `${load.non2xx} / ${load.errors} / ${load.timeouts}`],
        ["acknowledgements per second", fmt(load.ok / load.durationSeconds)],
        [
          "ack latency p50 / p99 / max (ms)",
          `${load.latencyMs.p50} / ${load.latencyMs.p99} / ${load.latencyMs.max}`,
        ],
        ["load duration (s)", fmt((loadEnded - started) / 1000, 2)],
        ["router drain after load (s)", fmt((drained - loadEnded) / 1000, 2)],
        ["first request → last delivery (s)", fmt((drained - started) / 1000, 2)],
        ["delivered per second (overall)", fmt(expected.size / ((drained - started) / 1000))],
        ["reached the agent", `${fmtInt(expected.size - missing.length)} of ${fmtInt(expected.size)}`],
        ["delivery keys delivered twice", String(duplicated)],
        ["exactly once", exactlyOnce ? "yes" : "NO"],
      ],
    ),
  );
  process.exitCode = exactlyOnce ? 0 : 1;
} finally {
  await pipeline.stop();
}
