import {
  DynamoDBClient,
  type DynamoDBClientConfig,
  type TransactionCanceledException,
} from "@aws-sdk/client-dynamodb";
import {
  BatchGetCommand,
  DynamoDBDocumentClient,
  GetCommand,
  QueryCommand,
  TransactWriteCommand,
  type TransactWriteCommandInput,
} from "@aws-sdk/lib-dynamodb";
import { ROUTING_TABLE } from "../config/resources";
import {
  type Claim,
  type ClaimRef,
  claimPk,
  PK,
  TEAM_INDEX_PARTITION,
  teamPk,
  unusableLookupKey,
} from "./claims";
import { deliverySettingsOf } from "./delivery-settings";
import { IDENTIFIER_PRIORITY, type IdentifierKind } from "./identifiers";
import {
  type ClaimConflict,
  ClaimConflictError,
  type ClaimOwner,
  ConcurrentRoutingUpdateError,
  TransactionTooLargeError,
  UnprocessedKeysError,
} from "./routing-errors";
import type { AgentOverride, TeamNotify } from "./team";
import { parseTeamConfig, type TeamConfig, type TeamRouting, teamClaimRefs } from "./team-config";

/** DynamoDB's limits: items per TransactWriteItems, keys per BatchGetItem. */
export const TRANSACTION_ITEM_LIMIT = 100;
export const BATCH_GET_KEY_LIMIT = 100;

/** A team item as stored: its routing config, agent and notice settings, and the claim keys it holds. */
export interface TeamRecord {
  org_id: string;
  team_node_id: string;
  routing: TeamRouting;
  agent?: AgentOverride;
  notify?: TeamNotify;
  /** The identifiers this team claims (normalised), in priority order. */
  claims: ClaimRef[];
  /** Incremented by every apply; guards the team item against concurrent applies (optimistic lock). */
  version: number;
  created_at: string;
  updated_at: string;
}

export interface ApplyResult {
  team: TeamRecord;
  /** Identifiers newly claimed by this apply. */
  added: ClaimRef[];
  /** Identifiers the team already held and still claims. */
  kept: ClaimRef[];
  /** Identifiers the team held and dropped: their claims were deleted. */
  removed: ClaimRef[];
  created: boolean;
}

export interface RemoveResult {
  team: TeamRecord;
  /** The claims deleted with the team. */
  removed: ClaimRef[];
}

/** What the resolver needs from the table: one batched read of claims. */
export interface ClaimReader {
  getClaims(refs: readonly ClaimRef[]): Promise<Claim[]>;
}

export interface RetryPolicy {
  /** Attempts in all (first try included). */
  maxAttempts: number;
  baseDelayMs: number;
  maxDelayMs: number;
}

export interface RoutingTableOptions {
  tableName: string;
  client?: DynamoDBDocumentClient;
  /** BatchGetItem UnprocessedKeys retries. */
  batchGetRetry?: Partial<RetryPolicy>;
  /** Retries of an apply or remove cancelled by a concurrent writer of the same team or claims. */
  writeRetry?: Partial<RetryPolicy>;
  now?: () => Date;
  sleep?: (ms: number) => Promise<void>;
  random?: () => number;
}

const DEFAULT_BATCH_GET_RETRY: RetryPolicy = { maxAttempts: 8, baseDelayMs: 25, maxDelayMs: 1_000 };
const DEFAULT_WRITE_RETRY: RetryPolicy = { maxAttempts: 6, baseDelayMs: 20, maxDelayMs: 500 };

const defaultSleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** A document client for the routing table (honours `AWS_ENDPOINT_URL_DYNAMODB` like every SDK client). */
export function createRoutingDocumentClient(config: DynamoDBClientConfig = {}): DynamoDBDocumentClient {
  return DynamoDBDocumentClient.from(new DynamoDBClient(config), {
    marshallOptions: { removeUndefinedValues: true },
  });
}

// Claim condition: the identifier is free, or already this team's (re-apply, agent change, removal).
const OWNED_OR_FREE = "attribute_not_exists(#pk) OR (#org = :org AND #team = :team)";

type Item = Record<string, unknown>;
type TransactItem = NonNullable<TransactWriteCommandInput["TransactItems"]>[number];

const isKind = (value: unknown): value is IdentifierKind =>
  typeof value === "string" && (IDENTIFIER_PRIORITY as readonly string[]).includes(value);

function toClaim(item: Item): Claim | undefined {
  if (!isKind(item.kind) || typeof item.value !== "string") return undefined;
  return {
    kind: item.kind,
    value: item.value,
    org_id: String(item.org_id),
    team_node_id: String(item.team_node_id),
    ...deliverySettingsOf(item),
    updated_at: String(item.updated_at ?? ""),
  };
}

function toTeam(item: Item): TeamRecord {
  const claims = Array.isArray(item.claims) ? (item.claims as Item[]) : [];
  return {
    org_id: String(item.org_id),
    team_node_id: String(item.team_node_id),
    routing: (item.routing ?? {}) as TeamRouting,
    ...deliverySettingsOf(item),
    claims: claims.flatMap((c) =>
      isKind(c.kind) && typeof c.value === "string" ? [{ kind: c.kind, value: c.value }] : [],
    ),
    version: Number(item.version ?? 0),
    created_at: String(item.created_at ?? ""),
    updated_at: String(item.updated_at ?? ""),
  };
}

function chunk<T>(items: readonly T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

/**
 * The routing table (DynamoDB): a claim item per identifier naming its team, and a team item per team.
 * An identifier belongs to at most one team: every write of a claim is conditional on the claim being
 * free or already the writer's, and a team's whole change is one TransactWriteItems, so two teams
 * racing for an identifier cannot both get it.
 */
export class RoutingTable implements ClaimReader {
  readonly tableName: string;
  private readonly client: DynamoDBDocumentClient;
  private readonly batchGetRetry: RetryPolicy;
  private readonly writeRetry: RetryPolicy;
  private readonly now: () => Date;
  private readonly sleep: (ms: number) => Promise<void>;
  private readonly random: () => number;

  constructor(options: RoutingTableOptions) {
    this.tableName = options.tableName;
    this.client = options.client ?? createRoutingDocumentClient();
    this.batchGetRetry = { ...DEFAULT_BATCH_GET_RETRY, ...options.batchGetRetry };
    this.writeRetry = { ...DEFAULT_WRITE_RETRY, ...options.writeRetry };
    this.now = options.now ?? (() => new Date());
    this.sleep = options.sleep ?? defaultSleep;
    this.random = options.random ?? Math.random;
  }

  /** The table named by `ROUTING_TABLE`, with a default client (endpoint from the SDK's environment). */
  static fromEnv(env: NodeJS.ProcessEnv = process.env, client?: DynamoDBDocumentClient): RoutingTable {
    const tableName = env.ROUTING_TABLE?.trim();
    if (!tableName) throw new Error("ROUTING_TABLE is not set: it must name the routing DynamoDB table");
    return new RoutingTable({ tableName, ...(client ? { client } : {}) });
  }

  /**
   * Writes a team and its claims: idempotent (re-applying the same config changes nothing but the
   * timestamps), deletes the claims the team dropped, and fails with ClaimConflictError, writing
   * nothing, when another team holds any of the identifiers.
   */
  async applyTeam(input: TeamConfig): Promise<ApplyResult> {
    // A shape guard for configs built in code: the CLI has already applied the deployment's URL policy
    // (strict unless --local), and the router checks the URL again before every call.
    const config = parseTeamConfig(input, { allowLocalHttp: true });
    const team: ClaimOwner = { org_id: config.org_id, team_node_id: config.team_node_id };
    const wanted = teamClaimRefs(config);
    const wantedKeys = new Set(wanted.map(claimPk));
    // Dropped claims that turned out to belong to another team: not ours to delete.
    const notOurs = new Set<string>();

    for (let attempt = 1; ; attempt++) {
      const existing = await this.readTeam(team.org_id, team.team_node_id);
      const held = new Set((existing?.claims ?? []).map(claimPk));
      const dropped = (existing?.claims ?? []).filter(
        (c) => !wantedKeys.has(claimPk(c)) && !notOurs.has(claimPk(c)),
      );
      const items = 1 + wanted.length + dropped.length;
      if (items > TRANSACTION_ITEM_LIMIT) {
        throw new TransactionTooLargeError(
          team,
          items,
          TRANSACTION_ITEM_LIMIT,
          `1 team item, ${wanted.length} claims, ${dropped.length} removals`,
        );
      }
      const now = this.now().toISOString();
      const record: TeamRecord = {
        ...team,
        routing: config.routing,
        ...deliverySettingsOf(config),
        claims: wanted,
        version: (existing?.version ?? 0) + 1,
        created_at: existing?.created_at ?? now,
        updated_at: now,
      };
      const claimItems: ClaimRef[] = [...wanted, ...dropped];
      const transactItems: TransactItem[] = [
        this.putTeam(record, existing),
        ...wanted.map((ref) => this.putClaim(ref, record, now)),
        ...dropped.map((ref) => this.deleteClaim(ref, team)),
      ];
      const outcome = await this.transact(transactItems, claimItems, team);
      if (outcome.ok) {
        return {
          team: record,
          added: wanted.filter((c) => !held.has(claimPk(c))),
          kept: wanted.filter((c) => held.has(claimPk(c))),
          removed: dropped,
          created: existing === undefined,
        };
      }
      const wantedConflicts = outcome.conflicts.filter((c) => wantedKeys.has(claimPk(c)));
      if (wantedConflicts.length > 0) throw new ClaimConflictError(team, wantedConflicts);
      for (const c of outcome.conflicts) notOurs.add(claimPk(c));
      if (attempt >= this.writeRetry.maxAttempts) throw new ConcurrentRoutingUpdateError(team, attempt);
      await this.backoff(this.writeRetry, attempt);
    }
  }

  /** Deletes a team and every claim it holds in one transaction; undefined when there is no such team. */
  async removeTeam(orgId: string, teamNodeId: string): Promise<RemoveResult | undefined> {
    const team: ClaimOwner = { org_id: orgId, team_node_id: teamNodeId };
    const notOurs = new Set<string>();
    for (let attempt = 1; ; attempt++) {
      const existing = await this.readTeam(orgId, teamNodeId);
      if (!existing) return undefined;
      const claims = existing.claims.filter((c) => !notOurs.has(claimPk(c)));
      const outcome = await this.transact(
        [
          {
            Delete: {
              TableName: this.tableName,
              Key: { [PK]: teamPk(orgId, teamNodeId) },
              ConditionExpression: "#version = :version",
              ExpressionAttributeNames: { "#version": "version" },
              ExpressionAttributeValues: { ":version": existing.version },
            },
          },
          ...claims.map((ref) => this.deleteClaim(ref, team)),
        ],
        claims,
        team,
      );
      if (outcome.ok) return { team: existing, removed: claims };
      for (const c of outcome.conflicts) notOurs.add(claimPk(c));
      if (attempt >= this.writeRetry.maxAttempts) throw new ConcurrentRoutingUpdateError(team, attempt);
      await this.backoff(this.writeRetry, attempt);
    }
  }

  /** One team's item (strongly consistent read), or undefined. */
  async getTeam(orgId: string, teamNodeId: string): Promise<TeamRecord | undefined> {
    return this.readTeam(orgId, teamNodeId);
  }

  /** Every team, ordered by org and team (a Query of the sparse `teams` index, never a Scan). */
  async listTeams(): Promise<TeamRecord[]> {
    const { teamIndex } = ROUTING_TABLE;
    const teams: TeamRecord[] = [];
    let startKey: Record<string, unknown> | undefined;
    do {
      const page = await this.client.send(
        new QueryCommand({
          TableName: this.tableName,
          IndexName: teamIndex.name,
          KeyConditionExpression: "#gsi = :team",
          ExpressionAttributeNames: { "#gsi": teamIndex.partitionKey },
          ExpressionAttributeValues: { ":team": TEAM_INDEX_PARTITION },
          ...(startKey ? { ExclusiveStartKey: startKey } : {}),
        }),
      );
      for (const item of page.Items ?? []) teams.push(toTeam(item));
      startKey = page.LastEvaluatedKey;
    } while (startKey);
    return teams;
  }

  /**
   * The claims of these identifiers that exist (missing ones are simply absent): BatchGetItem in
   * chunks of 100 keys, retrying UnprocessedKeys with bounded exponential backoff and jitter. An
   * identifier that cannot be a key (unusableLookupKey) is never sent, since DynamoDB would refuse
   * the whole request for it; no team can claim it, so it is simply absent too.
   */
  async getClaims(refs: readonly ClaimRef[], options: { consistentRead?: boolean } = {}): Promise<Claim[]> {
    const usable = refs.filter((ref) => unusableLookupKey(ref.kind, ref.value) === undefined);
    const keys = [...new Set(usable.map(claimPk))];
    if (keys.length === 0) return [];
    const chunks = await Promise.all(
      chunk(keys, BATCH_GET_KEY_LIMIT).map((part) => this.batchGet(part, options.consistentRead ?? false)),
    );
    return chunks.flat().flatMap((item) => {
      const claim = toClaim(item);
      return claim ? [claim] : [];
    });
  }

  /** One claim, strongly consistent (the CLI and conflict messages use it), or undefined. */
  async getClaim(ref: ClaimRef): Promise<Claim | undefined> {
    if (unusableLookupKey(ref.kind, ref.value) !== undefined) return undefined;
    const { Item } = await this.client.send(
      new GetCommand({ TableName: this.tableName, Key: { [PK]: claimPk(ref) }, ConsistentRead: true }),
    );
    return Item ? toClaim(Item) : undefined;
  }

  private async batchGet(pks: string[], consistentRead: boolean): Promise<Item[]> {
    const items: Item[] = [];
    let pending: Record<string, unknown>[] = pks.map((pk) => ({ [PK]: pk }));
    for (let attempt = 1; ; attempt++) {
      const response = await this.client.send(
        new BatchGetCommand({
          RequestItems: { [this.tableName]: { Keys: pending, ConsistentRead: consistentRead } },
        }),
      );
      items.push(...(response.Responses?.[this.tableName] ?? []));
      pending = response.UnprocessedKeys?.[this.tableName]?.Keys ?? [];
      if (pending.length === 0) return items;
      if (attempt >= this.batchGetRetry.maxAttempts) throw new UnprocessedKeysError(pending.length, attempt);
      await this.backoff(this.batchGetRetry, attempt);
    }
  }

  private async readTeam(orgId: string, teamNodeId: string): Promise<TeamRecord | undefined> {
    const { Item } = await this.client.send(
      new GetCommand({
        TableName: this.tableName,
        Key: { [PK]: teamPk(orgId, teamNodeId) },
        ConsistentRead: true,
      }),
    );
    return Item ? toTeam(Item) : undefined;
  }

  private putTeam(record: TeamRecord, existing: TeamRecord | undefined): TransactItem {
    return {
      Put: {
        TableName: this.tableName,
        Item: {
          [PK]: teamPk(record.org_id, record.team_node_id),
          [ROUTING_TABLE.teamIndex.partitionKey]: TEAM_INDEX_PARTITION,
          type: "team",
          ...record,
        },
        // Optimistic lock: the team item is what this apply read (or still absent).
        ...(existing
          ? {
              ConditionExpression: "#version = :version",
              ExpressionAttributeNames: { "#version": "version" },
              ExpressionAttributeValues: { ":version": existing.version },
            }
          : { ConditionExpression: "attribute_not_exists(#pk)", ExpressionAttributeNames: { "#pk": PK } }),
      },
    };
  }

  private putClaim(ref: ClaimRef, record: TeamRecord, now: string): TransactItem {
    return {
      Put: {
        TableName: this.tableName,
        Item: {
          [PK]: claimPk(ref),
          type: "claim",
          kind: ref.kind,
          value: ref.value,
          org_id: record.org_id,
          team_node_id: record.team_node_id,
          // Denormalised onto every claim so that resolving an event is one read.
          ...deliverySettingsOf(record),
          updated_at: now,
        },
        ConditionExpression: OWNED_OR_FREE,
        ExpressionAttributeNames: { "#pk": PK, "#org": "org_id", "#team": "team_node_id" },
        ExpressionAttributeValues: { ":org": record.org_id, ":team": record.team_node_id },
      },
    };
  }

  private deleteClaim(ref: ClaimRef, team: ClaimOwner): TransactItem {
    return {
      Delete: {
        TableName: this.tableName,
        Key: { [PK]: claimPk(ref) },
        ConditionExpression: OWNED_OR_FREE,
        ExpressionAttributeNames: { "#pk": PK, "#org": "org_id", "#team": "team_node_id" },
        ExpressionAttributeValues: { ":org": team.org_id, ":team": team.team_node_id },
      },
    };
  }

  /**
   * Runs one transaction. `claimRefs[i]` is the identifier of item `i + 1` (item 0 is the team item).
   * On a cancellation, reports the claims another team holds (read only to name the owner: the
   * conditions already refused the write); a retry is due when it names none.
   */
  private async transact(
    items: TransactItem[],
    claimRefs: readonly ClaimRef[],
    team: ClaimOwner,
  ): Promise<{ ok: true } | { ok: false; conflicts: ClaimConflict[] }> {
    try {
      await this.client.send(new TransactWriteCommand({ TransactItems: items }));
      return { ok: true };
    } catch (error) {
      if ((error as Error | undefined)?.name !== "TransactionCanceledException") throw error;
      const reasons = (error as TransactionCanceledException).CancellationReasons ?? [];
      const retryable = reasons.some(
        (r) => r.Code === "ConditionalCheckFailed" || r.Code === "TransactionConflict",
      );
      if (!retryable) throw error;
      const failed = reasons.flatMap((r, i) =>
        i > 0 && r.Code === "ConditionalCheckFailed" ? [claimRefs[i - 1]!] : [],
      );
      const owners = await Promise.all(failed.map((ref) => this.getClaim(ref)));
      const conflicts: ClaimConflict[] = [];
      failed.forEach((ref, i) => {
        const owner = owners[i];
        if (owner && (owner.org_id !== team.org_id || owner.team_node_id !== team.team_node_id)) {
          conflicts.push({ ...ref, owner: { org_id: owner.org_id, team_node_id: owner.team_node_id } });
        }
      });
      return { ok: false, conflicts };
    }
  }

  private backoff(policy: RetryPolicy, attempt: number): Promise<void> {
    const ceiling = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** (attempt - 1));
    // "Equal jitter": at least half the ceiling, so retries do spread out but never spin.
    return this.sleep(ceiling / 2 + this.random() * (ceiling / 2));
  }
}
