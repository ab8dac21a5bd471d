import { type Claim, type ClaimRef, claimPk, claimRefsOf, normaliseIdentifier } from "./claims";
import { deliverySettingsOf } from "./delivery-settings";
import { IDENTIFIER_PRIORITY, type IdentifierKind, type RoutingIdentifiers } from "./identifiers";
import { type ClaimReader, RoutingTable } from "./routing-table";
import type { TeamMatch, TeamResolver } from "./team";

/** One identifier of an event, where it stands in the priority order, and the claim on it if any. */
export interface Candidate {
  kind: IdentifierKind;
  /** The value as the event carried it (trimmed). */
  value: string;
  /** 1 = highest (seed 000's order). */
  priority: number;
  claim?: Claim;
}

type ClaimLookup = (ref: ClaimRef) => Claim | undefined;

function lookupOf(claims: Iterable<Claim>): ClaimLookup {
  const byKey = new Map<string, Claim>();
  for (const claim of claims) byKey.set(claimPk(claim), claim);
  return (ref) => byKey.get(claimPk(ref));
}

function candidatesWith(identifiers: RoutingIdentifiers, lookup: ClaimLookup): Candidate[] {
  const out: Candidate[] = [];
  IDENTIFIER_PRIORITY.forEach((kind, index) => {
    const raw = identifiers[kind];
    if (typeof raw !== "string" || raw.trim() === "") return;
    const value = raw.trim();
    const claim = lookup({ kind, value: normaliseIdentifier(kind, value) });
    out.push({ kind, value, priority: index + 1, ...(claim ? { claim } : {}) });
  });
  return out;
}

function matchOf(candidates: readonly Candidate[]): TeamMatch | undefined {
  const winner = candidates.find((c) => c.claim !== undefined);
  if (!winner?.claim) return undefined;
  const { org_id, team_node_id } = winner.claim;
  return {
    org_id,
    team_node_id,
    matched_by: winner.kind,
    identifier: winner.value,
    ...deliverySettingsOf(winner.claim),
  };
}

/** Every identifier of an event in priority order, each with the claim on it (for explaining a match). */
export function rankCandidates(identifiers: RoutingIdentifiers, claims: Iterable<Claim>): Candidate[] {
  return candidatesWith(identifiers, lookupOf(claims));
}

/**
 * The owning team of an event: among its identifiers that some team claims, the one earliest in
 * IDENTIFIER_PRIORITY wins (`incidentio_team_id` > `pagerduty_service_id` > `slack_channel_id` >
 * `github_repo` > `coralogix_team_name` > `incidentio_alert_source_id` > `service`). Pure.
 */
export function pickTeam(identifiers: RoutingIdentifiers, claims: Iterable<Claim>): TeamMatch | undefined {
  return matchOf(rankCandidates(identifiers, claims));
}

export const DEFAULT_ROUTING_CACHE_SECONDS = 30;

/** `ROUTING_CACHE_SECONDS` (default 30; 0 turns the cache off). */
export function routingCacheSecondsFromEnv(env: NodeJS.ProcessEnv = process.env): number {
  const raw = env.ROUTING_CACHE_SECONDS?.trim();
  if (raw === undefined || raw === "") return DEFAULT_ROUTING_CACHE_SECONDS;
  const seconds = Number(raw);
  if (!Number.isFinite(seconds) || seconds < 0) {
    throw new Error(`ROUTING_CACHE_SECONDS must be a number of seconds ≥ 0, got '${raw}'`);
  }
  return seconds;
}

export interface CachedTeamResolverOptions {
  reader: ClaimReader;
  /** How long an answer (a claim, or the absence of one) is reused. Default ROUTING_CACHE_SECONDS. */
  ttlSeconds?: number;
  /** Bound on cached identifiers; the oldest entries go first. */
  maxEntries?: number;
  /** Milliseconds clock, for tests. */
  now?: () => number;
}

interface CacheEntry {
  claim: Claim | undefined;
  expiresAt: number;
}

/**
 * The router's TeamResolver: resolves a whole batch with at most one batched read of the identifiers
 * it has not seen lately. Answers are cached in memory for `ttlSeconds`, negative ones too (an
 * unclaimed busy channel costs no reads either), so a claim change takes up to that long to apply.
 * An identifier that cannot be a key (unusableLookupKey: empty, or too long for DynamoDB) is neither
 * read nor cached: it matches nothing, and the other identifiers and records resolve as usual.
 */
export class CachedTeamResolver implements TeamResolver {
  private readonly reader: ClaimReader;
  private readonly ttlMs: number;
  private readonly maxEntries: number;
  private readonly now: () => number;
  private readonly cache = new Map<string, CacheEntry>();

  constructor(options: CachedTeamResolverOptions) {
    this.reader = options.reader;
    this.ttlMs = (options.ttlSeconds ?? routingCacheSecondsFromEnv()) * 1000;
    this.maxEntries = options.maxEntries ?? 10_000;
    this.now = options.now ?? Date.now;
  }

  async resolveTeams(batch: readonly RoutingIdentifiers[]): Promise<(TeamMatch | undefined)[]> {
    const now = this.now();
    const known = new Map<string, Claim | undefined>();
    const missing = new Map<string, ClaimRef>();
    for (const identifiers of batch) {
      for (const ref of claimRefsOf(identifiers)) {
        const key = claimPk(ref);
        if (known.has(key) || missing.has(key)) continue;
        const entry = this.cache.get(key);
        if (entry && entry.expiresAt > now) known.set(key, entry.claim);
        else missing.set(key, ref);
      }
    }
    if (missing.size > 0) {
      const fetched = new Map(
        (await this.reader.getClaims([...missing.values()])).map((c) => [claimPk(c), c]),
      );
      for (const key of missing.keys()) {
        const claim = fetched.get(key);
        known.set(key, claim);
        this.remember(key, claim, now);
      }
    }
    const lookup: ClaimLookup = (ref) => known.get(claimPk(ref));
    return batch.map((identifiers) => matchOf(candidatesWith(identifiers, lookup)));
  }

  /** One event's team (same cache and read path as a batch of one). */
  async resolveTeam(identifiers: RoutingIdentifiers): Promise<TeamMatch | undefined> {
    const [match] = await this.resolveTeams([identifiers]);
    return match;
  }

  /** Forgets every cached answer. */
  clear(): void {
    this.cache.clear();
  }

  private remember(key: string, claim: Claim | undefined, now: number): void {
    if (this.ttlMs <= 0) return;
    this.cache.delete(key);
    this.cache.set(key, { claim, expiresAt: now + this.ttlMs });
    while (this.cache.size > this.maxEntries) {
      const oldest = this.cache.keys().next().value;
      if (oldest === undefined) break;
      this.cache.delete(oldest);
    }
  }
}

/** The resolver the router uses: the table named by ROUTING_TABLE, cached for ROUTING_CACHE_SECONDS. */
export function createTeamResolver(
  env: NodeJS.ProcessEnv = process.env,
  reader?: ClaimReader,
): CachedTeamResolver {
  return new CachedTeamResolver({
    reader: reader ?? RoutingTable.fromEnv(env),
    ttlSeconds: routingCacheSecondsFromEnv(env),
  });
}
