/**
 * `npx tsx bench/json-member-spans.bench.ts`: objectMemberSpans (the check GitHub's ingest makes of
 * a JSON body instead of parsing it) beside JSON.parse of the same body, interleaved in one run, on
 * the bodies `npm run bench:ingest` sends. Each function gets what ingest hands it: the parse the
 * body's text, the scan its UTF-8 bytes.
 */
import { availableParallelism, loadavg } from "node:os";
import { objectMemberSpans } from "../shared/providers/json-member-spans";
import { measureInterleaved } from "./lib/measure";
import * as payloads from "./lib/payloads";
import { fmt, formatTable, kib, ratio } from "./lib/table";

const BODIES: [string, unknown][] = [
  ["github issues.opened", payloads.githubIssueOpened()],
  ["github push (25 KiB)", payloads.githubPushOfAtLeast(25 * 1024)],
  ["github push (115 commits)", payloads.githubLargePush(115)],
];

const load = () =>
  loadavg()
    .map((l) => fmt(l, 2))
    .join(" ");
console.log(
  `JSON member scan vs JSON.parse — node ${process.version}, ${availableParallelism()} CPUs, load average ${load()}`,
);

const rows: string[][] = [];
for (const [name, payload] of BODIES) {
  const text = JSON.stringify(payload);
  const bytes = Buffer.from(text, "utf8");
  if (!objectMemberSpans(bytes, ["action"])) throw new Error(`${name}: the scan refused the body`);
  const [parse, scan] = await measureInterleaved(
    [
      { name: "JSON.parse", fn: () => JSON.parse(text) },
      { name: "objectMemberSpans", fn: () => objectMemberSpans(bytes, ["action"]) },
    ],
    { warmupMs: 300, budgetMs: 2000, minIterations: 100 },
  );
  rows.push([
    name,
    kib(bytes.length),
    fmt(parse!.p50Us),
    fmt(scan!.p50Us),
    ratio(scan!.p50Us / parse!.p50Us),
  ]);
}
console.log(formatTable(["body", "KiB", "JSON.parse p50 µs", "scan p50 µs", "scan / parse"], rows));
console.log(`load average at the end: ${load()}`);
