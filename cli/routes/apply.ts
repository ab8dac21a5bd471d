import { Command } from "commander";
import { teamLabel } from "../../shared/routing/claims";
import { EXIT } from "../lib/errors";
import { Output } from "../lib/output";
import { action, type CliContext } from "../lib/program";
import type { TargetOptions } from "../lib/target-options";
import { routingTableOptions, withRoutingTable } from "./context";
import { agentText, describeClaims, notifyText, tokenText } from "./format";
import { readTeamConfigFile } from "./team-file";

export const apply = (cli: CliContext) =>
  routingTableOptions(
    new Command("apply")
      .summary("create or update one team's routing from a JSON file (idempotent; drops removed claims)")
      .description("Writes one team and claims its identifiers, atomically.")
      .argument("<file.json>", "the team's routing config (- reads it from stdin)")
      .option("--json", "print the result as JSON"),
  )
    .addHelpText(
      "after",
      `
The file holds seed 000's team routing config:
  {"org_id": "extend", "team_node_id": "extend-sre",
   "routing": {"slack_channel_ids": ["C0A4967KRBM"], "github_repos": ["incidentfox/mono-repo"], …},
   "agent": {"url": "https://agent.example.com/invoke", "token_secret": "agents/extend-sre"},
   "notify": {"slack_channel": "C0A4967KRBM"}}
agent is optional: url overrides AGENT_URL (and may be left out when token_secret is given);
token_secret names the secret holding the team's bearer token (a Secrets Manager name or ARN;
locally an environment variable name), never the token itself. notify is optional: slack_channel is
the Slack channel ID told about events the agent refused or never took.
Identifiers the team claimed before and no longer lists are released. An identifier another team
holds is refused (exit 1) and nothing is written.

agent.url must be https:// to a public address: no user:pass@, no loopback, link-local, private or
cloud metadata address. With --local (the local pipeline) http:// or https:// to 127.0.0.1 or
localhost is allowed too.

Exit codes: 0 applied, 1 conflict or DynamoDB failure, 2 invalid file or arguments.`,
    )
    .action(
      action<TargetOptions & { json?: boolean }>(cli, async (options, [file], io) => {
        const config = await readTeamConfigFile(file!, io, { allowLocalHttp: options.local ?? false });
        const result = await withRoutingTable(options, io, (table) => table.applyTeam(config));
        new Output(io, options.json ?? false).result(
          {
            org_id: result.team.org_id,
            team_node_id: result.team.team_node_id,
            created: result.created,
            version: result.team.version,
            agent: result.team.agent ?? null,
            notify: result.team.notify ?? null,
            added: result.added,
            kept: result.kept,
            removed: result.removed,
          },
          () =>
            [
              `applied ${teamLabel(result.team)} (${result.created ? "created" : "updated"}, version ${result.team.version})`,
              `  added:   ${describeClaims(result.added)}`,
              `  kept:    ${describeClaims(result.kept)}`,
              `  removed: ${describeClaims(result.removed)}`,
              `  agent:   ${agentText(result.team)}`,
              `  token:   ${tokenText(result.team)}`,
              `  notify:  ${notifyText(result.team)}`,
            ].join("\n"),
        );
        return EXIT.ok;
      }),
    );
