/**
 * The load generator of `npm run bench:e2e`, run as its own process so it does not share an event
 * loop with the pipeline: autocannon posts exactly `--events` freshly signed GitHub webhooks (each
 * with its own X-GitHub-Delivery) over `--connections` keep-alive connections, then prints one JSON
 * line with what it measured and the delivery keys the pipeline acknowledged.
 */
import { randomUUID } from "node:crypto";
import { parseArgs } from "node:util";
import autocannon from "autocannon";
import { DEV_SECRETS } from "../../local/dev-defaults";
import { signHex } from "../../shared/crypto/hex-hmac-signature";
import { GITHUB_SIGNATURE } from "../../shared/providers/github";

const { values } = parseArgs({
  options: { url: { type: "string" }, events: { type: "string" }, connections: { type: "string" } },
});
const events = Number(values.events ?? 2000);
const secret = process.env.GITHUB_WEBHOOK_SECRET || DEV_SECRETS.GITHUB_WEBHOOK_SECRET;
const runId = randomUUID().slice(0, 8);
const acknowledged: string[] = [];
let sequence = 0;

/** autocannon's per-connection context: which delivery the request in flight carries. */
interface DeliveryContext {
  deliveryKey: string;
}

function signedIssueEvent() {
  const deliveryKey = `${runId}-${++sequence}`;
  const body = JSON.stringify({
    action: "opened",
    issue: { number: sequence, title: `Checkout latency spike #${sequence}`, labels: [{ name: "ai:run" }] },
    repository: { full_name: "incidentfox/mono-repo", private: true },
    sender: { login: "bench" },
  });
  return {
    deliveryKey,
    body,
    headers: {
      "content-type": "application/json",
      "x-github-event": "issues",
      "x-github-delivery": deliveryKey,
      [GITHUB_SIGNATURE.header.toLowerCase()]: signHex(secret, body, GITHUB_SIGNATURE.prefix),
    },
  };
}

const result = await autocannon({
  url: values.url!,
  connections: Number(values.connections ?? 10),
  amount: events,
  timeout: 30,
  requests: [
    {
      method: "POST",
      path: "/webhooks/github",
      setupRequest: (request, context) => {
        const event = signedIssueEvent();
        (context as DeliveryContext).deliveryKey = event.deliveryKey;
        return { ...request, headers: event.headers, body: event.body };
      },
      onResponse: (status, _body, context) => {
        if (status === 200) acknowledged.push((context as DeliveryContext).deliveryKey);
      },
    },
  ],
});

process.stdout.write(
  `${JSON.stringify({
    requests: result.requests.total,
    ok: result["2xx"],
    non2xx: result.non2xx,
    errors: result.errors,
    timeouts: result.timeouts,
    durationSeconds: result.duration,
    latencyMs: { p50: result.latency.p50, p99: result.latency.p99, max: result.latency.max },
    acknowledged,
  })}\n`,
);
