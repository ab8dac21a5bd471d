import { readFile } from "node:fs/promises";
import { resolve } from "node:path";
import { Command } from "commander";
import { PROVIDER_NAMES, type ProviderName } from "../../shared/providers/provider";
import { PROVIDERS } from "../../shared/providers/registry";
import { teamLabel } from "../../shared/routing/claims";
import {
  IDENTIFIER_PRIORITY,
  type IdentifierKind,
  type RoutingIdentifiers,
} from "../../shared/routing/identifiers";
import { type Candidate, pickTeam, rankCandidates } from "../../shared/routing/resolve-team";
import { CliError, EXIT, UsageError } from "../lib/errors";
import type { CliIO } from "../lib/io";
import { Output, renderTable } from "../lib/output";
import { action, type CliContext } from "../lib/program";
import type { TargetOptions } from "../lib/target-options";
import { routingTableOptions, withRoutingTable } from "./context";
import { agentText, notifyText, tokenText } from "./format";

/** `slack_channel_id` → `--slack-channel-id`. */
const flagOf = (kind: IdentifierKind) => kind.replaceAll("_", "-");

/** `slack_channel_id` → `slackChannelId`, commander's attribute name of `--slack-channel-id`. */
const attributeOf = (kind: IdentifierKind) => kind.replace(/_(.)/g, (_, c: string) => c.toUpperCase());

type LookupOptions = TargetOptions & {
  json?: boolean;
  provider?: string;
  payload?: string;
} & Record<string, string | boolean | undefined>;

async function identifiersFromPayload(
  provider: string,
  file: string,
  cwd: string,
): Promise<RoutingIdentifiers> {
  if (!(PROVIDER_NAMES as readonly string[]).includes(provider)) {
    throw new UsageError(
      `--provider must be one of ${PROVIDER_NAMES.join(", ")}, got ${JSON.stringify(provider)}`,
    );
  }
  let payload: unknown;
  try {
    payload = JSON.parse(await readFile(resolve(cwd, file), "utf8"));
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new CliError(
      code === "ENOENT"
        ? `cannot read ${file}: no such file`
        : `${file} is not valid JSON: ${(error as Error).message}`,
      EXIT.usage,
    );
  }
  return PROVIDERS[provider as ProviderName].identifiers(payload);
}

function explain(candidates: readonly Candidate[]): string[] {
  const winner = candidates.find((c) => c.claim);
  const total = IDENTIFIER_PRIORITY.length;
  const lines = [
    `why: the claimed identifier highest in the priority order wins (${IDENTIFIER_PRIORITY.join(" > ")})`,
  ];
  for (const c of candidates) {
    const at = `${c.kind} ${c.value} (priority ${c.priority} of ${total})`;
    if (c === winner) lines.push(`  - ${at} is claimed by ${teamLabel(c.claim!)}: the match`);
    else if (!c.claim) lines.push(`  - ${at} is claimed by no team`);
    else lines.push(`  - ${at} is claimed by ${teamLabel(c.claim)} but ranks below ${winner!.kind}`);
  }
  return lines;
}

export const lookup = (cli: CliContext) => {
  const command = new Command("lookup")
    .summary("show which team an event with these identifiers routes to, and why")
    .description(
      "Resolves identifiers the way the router does (one batched read, seed 000's priority order) and " +
        "prints the match, why it won, and every other candidate. Give identifiers as options, or extract " +
        "them from a webhook payload with --provider and --payload (options override what the payload carries).",
    );
  for (const [i, kind] of IDENTIFIER_PRIORITY.entries()) {
    command.option(
      `--${flagOf(kind)} <value>`,
      `identifier ${i + 1} of ${IDENTIFIER_PRIORITY.length} in priority`,
    );
  }

  return routingTableOptions(
    command
      .option("--provider <name>", `the payload's provider: ${PROVIDER_NAMES.join(" | ")}`)
      .option("--payload <file>", "a webhook payload to take the identifiers from (with --provider)")
      .option("--json", "print {found, match, candidates} as JSON"),
  )
    .addHelpText(
      "after",
      "\nExit codes: 0 a team matched, 1 no team claims any identifier (or DynamoDB failed), 2 invalid arguments.",
    )
    .action(action<LookupOptions>(cli, (options, _args, io) => run(options, io)));
};

async function run(values: LookupOptions, io: CliIO): Promise<number> {
  if ((values.provider === undefined) !== (values.payload === undefined)) {
    throw new UsageError("--provider and --payload go together: give both, or identifiers as options");
  }
  const identifiers: RoutingIdentifiers =
    values.provider && values.payload
      ? await identifiersFromPayload(values.provider, values.payload, io.cwd)
      : {};
  for (const kind of IDENTIFIER_PRIORITY) {
    const value = values[attributeOf(kind)];
    if (typeof value === "string") {
      if (value.trim() === "") throw new UsageError(`--${flagOf(kind)} must not be empty`);
      identifiers[kind] = value.trim();
    }
  }
  if (Object.keys(identifiers).length === 0) {
    throw new UsageError(
      values.payload
        ? `the ${values.provider} payload in ${values.payload} carries no routing identifier`
        : "give at least one identifier (see --help for the identifier options)",
    );
  }
  const claims = await withRoutingTable(values, io, (table) =>
    table.getClaims(
      IDENTIFIER_PRIORITY.flatMap((kind) => (identifiers[kind] ? [{ kind, value: identifiers[kind] }] : [])),
      { consistentRead: true },
    ),
  );
  const candidates = rankCandidates(identifiers, claims);
  const match = pickTeam(identifiers, claims);
  new Output(io, values.json ?? false).result(
    {
      found: match !== undefined,
      match: match ?? null,
      candidates: candidates.map((c) => ({
        priority: c.priority,
        kind: c.kind,
        value: c.value,
        claimed_by: c.claim ? { org_id: c.claim.org_id, team_node_id: c.claim.team_node_id } : null,
        result: c.claim ? (c.kind === match?.matched_by ? "match" : "outranked") : "unclaimed",
      })),
    },
    () => {
      const table = renderTable(
        ["PRIORITY", "IDENTIFIER", "VALUE", "CLAIMED BY", "RESULT"],
        candidates.map((c) => [
          c.priority,
          c.kind,
          c.value,
          c.claim ? teamLabel(c.claim) : "-",
          c.claim ? (c.kind === match?.matched_by ? "match" : "outranked") : "unclaimed",
        ]),
      );
      if (!match) {
        return `no team claims any of these identifiers: the router would treat the event as unrouted\n\n${table}`;
      }
      const winner = candidates.find((c) => c.kind === match.matched_by)!;
      return [
        `match: ${teamLabel(match)}`,
        `  matched by: ${match.matched_by} ${match.identifier} (priority ${winner.priority} of ${IDENTIFIER_PRIORITY.length})`,
        `  agent:      ${agentText(match)}`,
        `  token:      ${tokenText(match)}`,
        `  notify:     ${notifyText(match)}`,
        "",
        ...explain(candidates),
        "",
        table,
      ].join("\n");
    },
  );
  return match ? EXIT.ok : EXIT.failure;
}
