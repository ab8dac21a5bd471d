import { ROUTING_TABLE } from "../config/resources";
import { IDENTIFIER_PRIORITY, type IdentifierKind, type RoutingIdentifiers } from "./identifiers";
import type { AgentOverride, TeamNotify } from "./team";

/** One identifier as stored in the routing table: its kind and its (normalised) value. */
export interface ClaimRef {
  kind: IdentifierKind;
  value: string;
}

/** A claim item: an identifier and the team it routes to (denormalised so one read resolves an event). */
export interface Claim extends ClaimRef {
  org_id: string;
  team_node_id: string;
  agent?: AgentOverride;
  notify?: TeamNotify;
  updated_at: string;
}

/** The sparse index's partition value: only team items carry `gsi1pk`, so querying it lists teams. */
export const TEAM_INDEX_PARTITION = "TEAM";

const CLAIM_PREFIX = "CLAIM#";
const TEAM_PREFIX = "TEAM#";

/**
 * The form an identifier is stored and looked up in. GitHub owner and repository names are
 * case-insensitive (`Org/Repo` and `org/repo` are one repository), so `github_repo` is lowercased;
 * every other kind is an exact id or name and only trimmed.
 */
export function normaliseIdentifier(kind: IdentifierKind, value: string): string {
  const trimmed = value.trim();
  return kind === "github_repo" ? trimmed.toLowerCase() : trimmed;
}

/** `CLAIM#<kind>#<value>`: the routing table key of one identifier's claim. */
export function claimPk(ref: ClaimRef): string {
  return `${CLAIM_PREFIX}${ref.kind}#${normaliseIdentifier(ref.kind, ref.value)}`;
}

/**
 * DynamoDB's limit on a partition key value, in UTF-8 bytes. Claim items are keyed by `pk` alone and
 * carry no `gsi1pk`, so they never enter the teams index, where `pk` is the sort key (1024 bytes).
 */
export const PARTITION_KEY_MAX_BYTES = 2048;

/**
 * Why an identifier cannot be looked up (its claim key would be empty or longer than DynamoDB
 * accepts, failing the whole batched read), or undefined when it can. No team can claim such an
 * identifier, so skipping it loses no match.
 */
export function unusableLookupKey(kind: IdentifierKind, value: string): string | undefined {
  const normalised = normaliseIdentifier(kind, value);
  if (normalised === "") return `${kind} is empty once trimmed, so it names nothing to look up`;
  const bytes = Buffer.byteLength(normalised, "utf8");
  const room = PARTITION_KEY_MAX_BYTES - Buffer.byteLength(`${CLAIM_PREFIX}${kind}#`, "utf8");
  if (bytes > room) {
    return `${kind} is ${bytes} bytes; a routing key holds at most ${room} bytes of a ${kind} (DynamoDB's ${PARTITION_KEY_MAX_BYTES}-byte key limit)`;
  }
  return undefined;
}

/** `TEAM#<org_id>#<team_node_id>`: the routing table key of one team's item. */
export function teamPk(orgId: string, teamNodeId: string): string {
  return `${TEAM_PREFIX}${orgId}#${teamNodeId}`;
}

/** The key attribute name of the routing table (`pk`). */
export const PK = ROUTING_TABLE.partitionKey;

/** The claim references of one event's identifiers that can be looked up (see unusableLookupKey), in priority order. */
export function claimRefsOf(identifiers: RoutingIdentifiers): ClaimRef[] {
  const refs: ClaimRef[] = [];
  for (const kind of IDENTIFIER_PRIORITY) {
    const value = identifiers[kind];
    if (typeof value === "string" && unusableLookupKey(kind, value) === undefined) {
      refs.push({ kind, value: normaliseIdentifier(kind, value) });
    }
  }
  return refs;
}

/** `org/team`, the way the CLI and error messages name a team. */
export const teamLabel = (owner: { org_id: string; team_node_id: string }): string =>
  `${owner.org_id}/${owner.team_node_id}`;
