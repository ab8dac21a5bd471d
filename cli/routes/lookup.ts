import { readFile } from "node:fs/promises";
import { resolve } from "node:path";
import { PROVIDER_NAMES, type ProviderName } from "../../shared/providers/provider";
import { PROVIDERS } from "../../shared/providers/registry";
import { teamLabel } from "../../shared/routing/claims";
import {
  IDENTIFIER_PRIORITY,
  type IdentifierKind,
  type RoutingIdentifiers,
} from "../../shared/routing/identifiers";
import { type Candidate, pickTeam, rankCandidates } from "../../shared/routing/resolve-team";
import { COMMON_OPTIONS, type OptionSpec, parseCommandArgs, positionals } from "../lib/args";
import type { Command } from "../lib/command";
import { DYNAMODB_OPTIONS, DYNAMODB_OPTIONS_HELP } from "../lib/dynamodb";
import { CliError, EXIT, UsageError } from "../lib/errors";
import { Output, renderTable } from "../lib/output";
import { withRoutingTable } from "./context";
import { agentText, notifyText, tokenText } from "./format";

/** `slack_channel_id` → `--slack-channel-id`. */
const flagOf = (kind: IdentifierKind) => kind.replaceAll("_", "-");

const IDENTIFIER_OPTIONS = Object.fromEntries(
  IDENTIFIER_PRIORITY.map((kind) => [flagOf(kind), { type: "string" }]),
) as Record<string, { type: "string" }> satisfies OptionSpec;

const usage =
  "webhook-pipeline routes lookup [--slack-channel-id C…] [--github-repo owner/repo] [--pagerduty-service-id P…] " +
  "[--incidentio-team-id …] [--incidentio-alert-source-id …] [--coralogix-team-name …] [--service …] " +
  "[--provider NAME --payload FILE] [--json] [--table NAME] [--endpoint URL | --local]";

async function identifiersFromPayload(
  provider: string,
  file: string,
  cwd: string,
): Promise<RoutingIdentifiers> {
  if (!(PROVIDER_NAMES as readonly string[]).includes(provider)) {
    throw new UsageError(
      `--provider must be one of ${PROVIDER_NAMES.join(", ")}, got ${JSON.stringify(provider)}`,
      usage,
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

export const lookup: Command = {
  name: "lookup",
  summary: "show which team an event with these identifiers routes to, and why",
  usage,
  help: `usage: ${usage}

Resolves identifiers the way the router does (one batched read, seed 000's priority order) and
prints the match, why it won, and every other candidate. Give identifiers as flags, or extract them
from a webhook payload with --provider slack|github|pagerduty|incidentio|jira|generic --payload FILE
(flags override what the payload carries).

Identifiers, highest priority first:
${IDENTIFIER_PRIORITY.map((k, i) => `  ${i + 1}. --${flagOf(k)}`).join("\n")}

${DYNAMODB_OPTIONS_HELP.replace("$TABLE_ENV", "$ROUTING_TABLE")}
  --json            print {found, match, candidates} as JSON

Exit codes: 0 a team matched, 1 no team claims any identifier (or DynamoDB failed), 2 invalid arguments.`,
  async run(argv, io) {
    const { values, positionals: args } = parseCommandArgs(
      argv,
      {
        ...COMMON_OPTIONS,
        ...DYNAMODB_OPTIONS,
        ...IDENTIFIER_OPTIONS,
        provider: { type: "string" },
        payload: { type: "string" },
      },
      usage,
    );
    positionals(args, [], usage);
    const flags = values as Record<string, string | boolean | undefined>;
    if ((values.provider === undefined) !== (values.payload === undefined)) {
      throw new UsageError("--provider and --payload go together", usage);
    }
    const identifiers: RoutingIdentifiers =
      values.provider && values.payload
        ? await identifiersFromPayload(values.provider, values.payload, io.cwd)
        : {};
    for (const kind of IDENTIFIER_PRIORITY) {
      const value = flags[flagOf(kind)];
      if (typeof value === "string") {
        if (value.trim() === "") throw new UsageError(`--${flagOf(kind)} must not be empty`, usage);
        identifiers[kind] = value.trim();
      }
    }
    if (Object.keys(identifiers).length === 0) {
      throw new UsageError(
        values.payload
          ? `the ${values.provider} payload in ${values.payload} carries no routing identifier`
          : "give at least one identifier",
        usage,
      );
    }
    const claims = await withRoutingTable(values, io, usage, (table) =>
      table.getClaims(
        IDENTIFIER_PRIORITY.flatMap((kind) =>
          identifiers[kind] ? [{ kind, value: identifiers[kind] }] : [],
        ),
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
  },
};
