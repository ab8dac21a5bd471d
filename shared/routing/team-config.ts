import { z } from "zod";
import { agentUrlProblem } from "../agent/agent-url";
import { type ClaimRef, normaliseIdentifier } from "./claims";
import type { IdentifierKind } from "./identifiers";

/**
 * The most identifiers one team may claim. Applying a team is a single `TransactWriteItems` (limit
 * 100 items): one team item plus one claim per identifier, plus a delete per dropped claim.
 */
export const MAX_CLAIMS_PER_TEAM = 99;

/** Team config `routing` field → the identifier kind its values claim (seed 000's config shape). */
export const ROUTING_FIELDS = {
  incidentio_team_ids: "incidentio_team_id",
  pagerduty_service_ids: "pagerduty_service_id",
  slack_channel_ids: "slack_channel_id",
  github_repos: "github_repo",
  coralogix_team_names: "coralogix_team_name",
  incidentio_alert_source_ids: "incidentio_alert_source_id",
  services: "service",
} as const satisfies Record<string, IdentifierKind>;

export type RoutingField = keyof typeof ROUTING_FIELDS;

/** The `routing` field that holds identifiers of `kind`. */
export const routingFieldOf = (kind: IdentifierKind): RoutingField =>
  (Object.keys(ROUTING_FIELDS) as RoutingField[]).find((f) => ROUTING_FIELDS[f] === kind)!;

/** "is required" for a missing field, else `message`. */
const requiredOr =
  (message: string) =>
  (issue: { input?: unknown }): string =>
    issue.input === undefined ? "is required" : message;

/** A strict object's message: unknown fields are named (typos like `slack_channels`), else `message`. */
const objectError =
  (message: string, known: readonly string[]) =>
  (issue: { code?: string; input?: unknown; keys?: readonly string[] }): string => {
    if (issue.code === "unrecognized_keys") {
      const keys = issue.keys ?? [];
      return `unknown field${keys.length === 1 ? "" : "s"} ${keys.map((k) => JSON.stringify(k)).join(", ")}: expected ${known.join(", ")}`;
    }
    return issue.input === undefined ? "is required" : message;
  };

// A name used in a key (`TEAM#<org>#<team>`) and on the command line (`<org>/<team>`).
const nameSchema = () =>
  z
    .string({ error: requiredOr("must be a string") })
    .trim()
    .min(1, "must not be empty")
    .max(128, "must be at most 128 characters")
    .regex(
      /^[A-Za-z0-9][A-Za-z0-9._:@-]*$/,
      "may hold only letters, digits and . _ : @ - (no spaces, / or #)",
    );

const identifierList = (example: string, format?: { pattern: RegExp; message: string }) => {
  let item = z
    .string({ error: `expected a string like ${example}` })
    .trim()
    .min(1, "must not be empty")
    .max(256, "must be at most 256 characters")
    .regex(/^[^\t\r\n]+$/, "must not contain tabs or line breaks");
  if (format) item = item.regex(format.pattern, format.message);
  return z.array(item, { error: `must be a list of strings like ["${example}"]` }).optional();
};

const routingSchema = z.strictObject(
  {
    slack_channel_ids: identifierList("C0A4967KRBM", {
      pattern: /^[CGD][A-Z0-9]+$/,
      message: "must be a Slack channel ID like C0A4967KRBM (the ID, not the #channel-name)",
    }),
    github_repos: identifierList("incidentfox/mono-repo", {
      pattern: /^[A-Za-z0-9_.-]+\/[A-Za-z0-9_.-]+$/,
      message: "must be a repository's full name, owner/repo",
    }),
    pagerduty_service_ids: identifierList("PXXXXXX", {
      pattern: /^[A-Z0-9]+$/,
      message: "must be a PagerDuty service ID like PXXXXXX (upper-case letters and digits)",
    }),
    incidentio_alert_source_ids: identifierList("01KEGMSPPCKFPYHT2ZSNQ7WY3J"),
    incidentio_team_ids: identifierList("01HXYZTEAMCATALOGENTRY0000"),
    coralogix_team_names: identifierList("otel-demo"),
    services: identifierList("payment"),
  },
  {
    error: objectError(
      "must be an object of identifier lists (seed 000's team routing config)",
      Object.keys(ROUTING_FIELDS),
    ),
  },
);

/** Which agent URLs a team config may name (the agent URL rule's one exception). */
export interface TeamConfigOptions {
  /** The local pipeline: http:// and https:// to 127.0.0.1 or localhost are allowed. */
  allowLocalHttp: boolean;
}

// A Secrets Manager secret name or ARN; the environment variable names used locally fit it too.
const SECRET_NAME = /^[A-Za-z0-9/_+=.@:-]{1,512}$/;

const agentSchema = (options: TeamConfigOptions) =>
  z
    .strictObject(
      {
        url: z
          .string({ error: "must be a string" })
          .trim()
          .superRefine((value, ctx) => {
            const problem = agentUrlProblem(value, options);
            if (problem) ctx.addIssue({ code: "custom", message: problem });
          })
          .optional(),
        token_secret: z
          .string({ error: "must be a string" })
          .trim()
          .regex(
            SECRET_NAME,
            "must be the name or ARN of the secret holding the team's token (locally: an environment " +
              "variable name): 1 to 512 letters, digits or / _ + = . @ : -",
          )
          .optional(),
      },
      {
        error: objectError(
          'must be an object like {"url": "https://agent.example.com/invoke", "token_secret": "agents/extend-sre"}',
          ["url", "token_secret"],
        ),
      },
    )
    .refine((agent) => agent.url !== undefined || agent.token_secret !== undefined, {
      message: "needs url, token_secret or both (leave agent out to use the default agent, AGENT_URL)",
    });

const notifySchema = z.strictObject(
  {
    slack_channel: z
      .string({ error: "must be a string" })
      .trim()
      .regex(
        /^[CGD][A-Z0-9]{2,31}$/,
        "must be a Slack channel ID like C0A4967KRBM (the ID, not the #channel-name)",
      )
      .optional(),
  },
  { error: objectError('must be an object like {"slack_channel": "C0A4967KRBM"}', ["slack_channel"]) },
);

const TOP_LEVEL_FIELDS = ["org_id", "team_node_id", "routing", "agent", "notify"];

const teamConfigSchema = (options: TeamConfigOptions) =>
  z
    .strictObject(
      {
        org_id: nameSchema(),
        team_node_id: nameSchema(),
        routing: routingSchema,
        agent: agentSchema(options).optional(),
        notify: notifySchema.optional(),
      },
      {
        error: objectError(
          'a team config must be a JSON object {"org_id", "team_node_id", "routing", "agent"?, "notify"?}',
          TOP_LEVEL_FIELDS,
        ),
      },
    )
    .superRefine((config, ctx) => {
      const count = teamClaimRefs(config).length;
      if (count > MAX_CLAIMS_PER_TEAM) {
        ctx.addIssue({
          code: "custom",
          path: ["routing"],
          message: `claims ${count} identifiers; one team may claim at most ${MAX_CLAIMS_PER_TEAM} (one atomic write holds 100 items)`,
        });
      }
    });

// Built once per policy: a config is parsed by every apply.
const SCHEMAS = {
  strict: teamConfigSchema({ allowLocalHttp: false }),
  local: teamConfigSchema({ allowLocalHttp: true }),
};

/** One team's routing config, validated: `{org_id, team_node_id, routing, agent?, notify?}`. */
export type TeamConfig = z.output<typeof SCHEMAS.strict>;
export type TeamRouting = TeamConfig["routing"];

/** A team config that failed validation; `issues` are `field.path: message` lines. */
export class TeamConfigError extends Error {
  constructor(readonly issues: string[]) {
    super(`invalid team config:\n${issues.map((i) => `  - ${i}`).join("\n")}`);
    this.name = "TeamConfigError";
  }
}

/** `routing.slack_channel_ids[0]`-style path of a zod issue. */
export function issuePath(path: readonly PropertyKey[]): string {
  let out = "";
  for (const segment of path) {
    if (typeof segment === "number") out += `[${segment}]`;
    else out += out === "" ? String(segment) : `.${String(segment)}`;
  }
  return out;
}

/** Human lines for zod issues: `routing.github_repos[1]: must be a repository's full name, owner/repo`. */
export function formatIssues(error: z.ZodError): string[] {
  return error.issues.map((issue) => {
    const path = issuePath(issue.path);
    return path === "" ? issue.message : `${path}: ${issue.message}`;
  });
}

/**
 * Validates a parsed JSON value as a team config, throwing TeamConfigError with every issue. The
 * agent URL must pass the agent URL rule; `allowLocalHttp` (default false) is the local pipeline's
 * exception.
 */
export function parseTeamConfig(
  input: unknown,
  options: TeamConfigOptions = { allowLocalHttp: false },
): TeamConfig {
  const result = (options.allowLocalHttp ? SCHEMAS.local : SCHEMAS.strict).safeParse(input);
  if (!result.success) throw new TeamConfigError(formatIssues(result.error));
  return result.data;
}

/** Every identifier a team config claims, normalised and de-duplicated, in priority order. */
export function teamClaimRefs(config: { routing: TeamRouting }): ClaimRef[] {
  const seen = new Set<string>();
  const refs: ClaimRef[] = [];
  for (const [field, kind] of Object.entries(ROUTING_FIELDS) as [RoutingField, IdentifierKind][]) {
    for (const raw of config.routing[field] ?? []) {
      const value = normaliseIdentifier(kind, raw);
      const key = `${kind}#${value}`;
      if (value === "" || seen.has(key)) continue;
      seen.add(key);
      refs.push({ kind, value });
    }
  }
  return refs;
}
