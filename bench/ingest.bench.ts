/**
 * `npm run bench:ingest`: the ingest function the stack deploys (the bundle, its exported handler
 * with middy, configured by environment) per signed request, beside the bare floor (the scheme's
 * HMAC + JSON.parse of the same body), Slack Bolt's AwsLambdaReceiver and @octokit/webhooks, all
 * timed interleaved in the same run; then its cold start beside a bundle that only sends to SQS.
 * `npm run bench:ingest -- --help` lists the flags.
 */
import assert from "node:assert/strict";
import { createHmac } from "node:crypto";
import { availableParallelism, loadavg } from "node:os";
import { standardWebhooksKey } from "../shared/crypto/standard-webhooks";
import { inlinePayloadText, parseEnvelope } from "../shared/envelope/envelope";
import type { ProviderName } from "../shared/providers/provider";
import { BundleWorkspace, medianImportMs, medianImportRatio } from "./lib/bundles";
import { benchArgs, positiveNumber } from "./lib/cli";
import { checkErrorStacks, measureColdStart } from "./lib/cold-start";
import {
  buildDeployedIngest,
  type DeployedFunction,
  setDeployedEnvironment,
  startDeployedFunction,
} from "./lib/deployed-ingest";
import { measureInterleaved, type Stats, withOutputDiscarded } from "./lib/measure";
import * as payloads from "./lib/payloads";
import { boltReceiver, octokitReceiver, type Receive } from "./lib/receivers";
import {
  genericRequest,
  githubRequest,
  incidentioRequest,
  jiraRequest,
  pagerdutyRequest,
  SECRET_ENV,
  SECRETS,
  type SignedRequest,
  slackEventRequest,
  slackInteractionRequest,
} from "./lib/requests";
import { fmt, formatTable, kib, ratio } from "./lib/table";

const USAGE = `npm run bench:ingest [-- options]

  --budget-ms N   timed milliseconds per case, its functions interleaved (default 2000)
  --rounds N      fresh-process imports per bundle for the cold start (default 15)
  --help          this text`;

const args = benchArgs(USAGE, {
  "budget-ms": { type: "string", default: "2000" },
  rounds: { type: "string", default: "15" },
});
const TIMING = {
  warmupMs: 300,
  budgetMs: positiveNumber("budget-ms", args["budget-ms"] as string, USAGE),
  minIterations: 100,
};
const ROUNDS = Math.round(positiveNumber("rounds", args.rounds as string, USAGE));

// One signing time for the whole run, inside every scheme's ±5 min window until the run ends.
// Bolt checks against the real clock, so it is the real time at start, in whole seconds.
const NOW = new Date(Math.floor(Date.now() / 1000) * 1000);
const unixNow = Math.floor(NOW.getTime() / 1000);

/* ------------------------------------------------------------------ the requests */

interface Case {
  name: string;
  provider: ProviderName;
  request: SignedRequest;
  /** The payload text the queued envelope must carry. */
  payloadText: string;
  /** The bare minimum any receiver must do: the scheme's HMAC over the body and JSON.parse. */
  floor: () => unknown;
  library?: "Bolt" | "Octokit";
}

const hexHmac = (secret: string, body: string, prefix = "") =>
  createHmac("sha256", secret).update(prefix).update(body).digest("hex");

function slackCase(name: string, request: SignedRequest, payloadText: string): Case {
  const floor = () => {
    hexHmac(SECRETS.slack, request.rawBody, `v0:${unixNow}:`);
    return JSON.parse(payloadText);
  };
  return { name, provider: "slack", request, payloadText, floor, library: "Bolt" };
}

function hexCase(name: string, provider: ProviderName, request: SignedRequest, secret: string): Case {
  const floor = () => {
    hexHmac(secret, request.rawBody);
    return JSON.parse(request.rawBody);
  };
  return {
    name,
    provider,
    request,
    payloadText: request.rawBody,
    floor,
    ...(provider === "github" ? { library: "Octokit" as const } : {}),
  };
}

const slackEvents = slackEventRequest(payloads.slackAppMention(), NOW);
const slackInteraction = slackInteractionRequest(payloads.slackBlockActions(), NOW);
const incidentio = incidentioRequest(payloads.incidentioIncidentCreated(), NOW);
const incidentioKey = standardWebhooksKey(SECRETS.incidentio);

const CASES: Case[] = [
  slackCase("slack events (app_mention)", slackEvents, slackEvents.rawBody),
  slackCase(
    "slack interaction (block_actions)",
    slackInteraction,
    new URLSearchParams(slackInteraction.rawBody).get("payload")!,
  ),
  hexCase(
    "github issues.opened",
    "github",
    githubRequest("issues", payloads.githubIssueOpened(), NOW),
    SECRETS.github,
  ),
  hexCase(
    "github push (25 KiB)",
    "github",
    githubRequest("push", payloads.githubPushOfAtLeast(25 * 1024), NOW),
    SECRETS.github,
  ),
  hexCase(
    "github push (115 commits)",
    "github",
    githubRequest("push", payloads.githubLargePush(115), NOW),
    SECRETS.github,
  ),
  hexCase(
    "pagerduty incident.triggered",
    "pagerduty",
    pagerdutyRequest(payloads.pagerdutyIncidentTriggered(), NOW),
    SECRETS.pagerduty,
  ),
  {
    name: "incidentio incident_created_v2",
    provider: "incidentio",
    request: incidentio,
    payloadText: incidentio.rawBody,
    floor: () => {
      const h = incidentio.headers;
      createHmac("sha256", incidentioKey)
        .update(`${h["webhook-id"]}.${h["webhook-timestamp"]}.`)
        .update(incidentio.rawBody)
        .digest("base64");
      return JSON.parse(incidentio.rawBody);
    },
  },
  hexCase("jira jira:issue_created", "jira", jiraRequest(payloads.jiraIssueCreated(), NOW), SECRETS.jira),
  hexCase(
    "generic (datadog)",
    "generic",
    genericRequest("datadog", payloads.genericAlert(), NOW),
    SECRETS.generic,
  ),
];

/* ------------------------------------------------------------------ checks */

/** Asserts the function answered 200 and queued the payload's exact text, once. */
function assertQueued(c: Case, fn: DeployedFunction, status: number, body: string | undefined): void {
  assert.equal(status, 200, `${c.name}: ${body}`);
  if (body) assert.equal(JSON.parse(body).status, "accepted", `${c.name}: ${body}`);
  const sent = fn.sent.last;
  assert.ok(sent?.MessageBody, `${c.name}: nothing queued`);
  const parsed = parseEnvelope(sent.MessageBody);
  assert.ok(parsed.ok, `${c.name}: ${parsed.ok ? "" : parsed.problem}`);
  assert.equal(inlinePayloadText(parsed.envelope), c.payloadText, `${c.name}: payload changed on the way`);
}

/* ------------------------------------------------------------------ run */

interface Row {
  c: Case;
  ours: Stats;
  floor: Stats;
  library?: Stats;
}

async function timeCases(workspace: BundleWorkspace): Promise<Row[]> {
  const bundle = await buildDeployedIngest(workspace);
  setDeployedEnvironment(SECRET_ENV);
  const bolt = boltReceiver(SECRETS.slack);
  const octokit = octokitReceiver(SECRETS.github);
  const rows: Row[] = [];
  for (const c of CASES) {
    const stats = await withOutputDiscarded(async () => {
      const fn = await startDeployedFunction(bundle, c.provider, SECRET_ENV, c.request.event);
      assertQueued(c, fn, fn.firstResponse.statusCode!, fn.firstResponse.body);
      const library: Receive | undefined =
        c.library === "Bolt"
          ? await bolt(c.request)
          : c.library === "Octokit"
            ? await octokit(c.request)
            : undefined;
      const event = c.request.event;
      let calls = 0;
      const timed = await measureInterleaved(
        [
          {
            name: "ours",
            fn: () => {
              calls++;
              return fn.invoke(event);
            },
          },
          { name: "floor", fn: c.floor },
          ...(library ? [{ name: c.library!, fn: library }] : []),
        ],
        TIMING,
      );
      // Every timed call queued its event: none was answered without the whole path.
      assert.equal(fn.sent.count, calls + 1, `${c.name}: not every timed request was queued`);
      return timed;
    });
    rows.push({ c, ours: stats[0]!, floor: stats[1]!, ...(stats[2] ? { library: stats[2] } : {}) });
  }
  return rows;
}

const load = () =>
  loadavg()
    .map((l) => fmt(l, 2))
    .join(" ");
console.log(
  `ingest benchmark — node ${process.version}, ${process.platform}/${process.arch}, ${availableParallelism()} CPUs, load average ${load()}`,
);
console.log(
  `per case: ${TIMING.warmupMs} ms of CPU time warming up each function, then ${TIMING.budgetMs} ms of calls, the compared functions interleaved in 25 ms slices,\n` +
    "each call awaited and timed alone; every function checked to accept the request first (ours: 200, the payload's exact text queued)",
);

const workspace = await BundleWorkspace.create();
try {
  const rows = await timeCases(workspace);
  console.log(
    "\n1. Per request: the deployed ingest function (esbuild bundle of functions/ingest/handler.ts, `handler` through middy, configured by\n" +
      "   environment, secrets by ARN read once through Powertools and kept for the cache age; SendMessage resolves at once, its log lines written to /dev/null)",
  );
  console.log(
    formatTable(
      [
        "case",
        "body KiB",
        "ours p50 µs",
        "mean",
        "p99",
        "floor p50 µs",
        "ours / floor",
        "library",
        "p50 µs",
        "library / ours",
      ],
      rows.map(({ c, ours, floor, library }) => [
        c.name,
        kib(Buffer.byteLength(c.request.rawBody)),
        fmt(ours.p50Us),
        fmt(ours.meanUs),
        fmt(ours.p99Us),
        fmt(floor.p50Us),
        ratio(ours.p50Us / floor.p50Us),
        c.library ?? "—",
        library ? fmt(library.p50Us) : "—",
        library ? ratio(library.p50Us / ours.p50Us) : "—",
      ]),
    ),
  );
  console.log(
    "floor = the scheme's HMAC-SHA256 + JSON.parse of the same body (of the form's `payload` field for the interaction).\n" +
      "Bolt = AwsLambdaReceiver.toHandler() of an App with a given authorization and an acking listener; Octokit = verifyAndReceive\n" +
      "({id, name, payload, signature}) with a handler: it reads no HTTP event and builds no message. Ratios by p50.",
  );

  const cold = await measureColdStart(workspace, ROUNDS);
  const stacks = await checkErrorStacks(cold.ingest);
  const coldRow = (name: string, b: typeof cold.ingest) => [
    name,
    kib(b.bytes),
    kib(b.sourceMapBytes),
    fmt(medianImportMs(b)),
    `${fmt(Math.min(...b.importMs))}–${fmt(Math.max(...b.importMs))}`,
    ratio(medianImportRatio(b, cold.sqsSender)),
  ];
  console.log(
    `\n2. Cold start: \`await import(bundle)\` in a fresh node process, median of ${ROUNDS} (the bundles interleaved), each built with the\n` +
      "   deployed esbuild options (minified ESM, SDK bundled but the lazily loaded S3 and DynamoDB modules, source map shipped);\n" +
      "   vs SQS sender = the median over rounds of the two bundles' import times in the same round",
  );
  console.log(
    formatTable(
      ["bundle", "KiB", "map KiB", "import ms", "range ms", "vs SQS sender"],
      [
        coldRow("ingest (functions/ingest/handler.ts)", cold.ingest),
        coldRow("the same with --enable-source-maps", cold.ingestWithSourceMaps),
        coldRow("SQS sender (client-sqs, SendMessage)", cold.sqsSender),
      ],
    ),
  );
  console.log(
    `error stacks in source terms without --enable-source-maps: ${stacks.decoded ? "yes" : "NO"} (${stacks.frames.join("; ")});\n` +
      `the failing first request took ${fmt(stacks.errorRequestMs)} ms, the map read and decoded once`,
  );

  const ratioOf = (name: string, f: (r: Row) => number) => f(rows.find((r) => r.c.name === name)!);
  const goals: [string, number, (v: number) => boolean, string][] = [
    [
      "slack events: Bolt / ours",
      ratioOf(CASES[0]!.name, (r) => r.library!.p50Us / r.ours.p50Us),
      (v) => v >= 5,
      "≥ 5x",
    ],
    [
      "slack events: ours / floor",
      ratioOf(CASES[0]!.name, (r) => r.ours.p50Us / r.floor.p50Us),
      (v) => v <= 3,
      "≤ 3x",
    ],
    [
      "github push 25 KiB: Octokit / ours",
      ratioOf(CASES[3]!.name, (r) => r.library!.p50Us / r.ours.p50Us),
      (v) => v >= 1,
      "≥ 1x",
    ],
    [
      "github push 25 KiB: ours / floor",
      ratioOf(CASES[3]!.name, (r) => r.ours.p50Us / r.floor.p50Us),
      (v) => v <= 1.5,
      "≤ 1.5x",
    ],
    [
      "cold start: ingest / SQS sender",
      medianImportRatio(cold.ingest, cold.sqsSender),
      (v) => v <= 1.2,
      "≤ 1.2x",
    ],
  ];
  console.log("\n3. Goals (issue 14)");
  console.log(
    formatTable(
      ["goal", "target", "measured", "met"],
      goals.map(([name, value, met, target]) => [name, target, ratio(value), met(value) ? "yes" : "no"]),
    ),
  );
} finally {
  await workspace.remove();
}
console.log(`\nload average at the end: ${load()}`);
