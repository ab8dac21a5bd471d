import { type ClaimRef, teamLabel } from "./claims";

/** A team that owns an identifier. */
export interface ClaimOwner {
  org_id: string;
  team_node_id: string;
}

export interface ClaimConflict extends ClaimRef {
  /** The team holding the claim when the write was refused. */
  owner: ClaimOwner;
}

/**
 * A team tried to claim identifiers another team holds. The write was refused atomically by the
 * claim items' conditions; `conflicts` names each identifier and its current owner.
 */
export class ClaimConflictError extends Error {
  constructor(
    readonly team: ClaimOwner,
    readonly conflicts: ClaimConflict[],
  ) {
    const list = conflicts.map((c) => `${c.kind} ${c.value} is already claimed by ${teamLabel(c.owner)}`);
    super(
      `cannot apply ${teamLabel(team)}: ${list.join("; ")}. ` +
        "An identifier belongs to one team: remove it from the owning team first, or drop it from this config.",
    );
    this.name = "ClaimConflictError";
  }
}

/** A write that does not fit in one DynamoDB transaction (100 items). */
export class TransactionTooLargeError extends Error {
  constructor(
    readonly team: ClaimOwner,
    readonly items: number,
    readonly limit: number,
    detail: string,
  ) {
    super(
      `cannot apply ${teamLabel(team)} atomically: it needs ${items} writes (${detail}) and one ` +
        `DynamoDB transaction holds at most ${limit}. Apply the removals first (a config without the ` +
        "dropped identifiers and without new ones), then the additions.",
    );
    this.name = "TransactionTooLargeError";
  }
}

/** Another writer kept changing the same team or claims while this write retried. */
export class ConcurrentRoutingUpdateError extends Error {
  constructor(team: ClaimOwner, attempts: number) {
    super(
      `gave up on ${teamLabel(team)} after ${attempts} attempts: the team or its claims were being changed ` +
        "concurrently. Try again.",
    );
    this.name = "ConcurrentRoutingUpdateError";
  }
}

/** BatchGetItem kept leaving keys unprocessed (throttling) after the bounded retries. */
export class UnprocessedKeysError extends Error {
  constructor(
    readonly unprocessed: number,
    readonly attempts: number,
  ) {
    super(`DynamoDB left ${unprocessed} routing keys unprocessed after ${attempts} attempts (throttled?)`);
    this.name = "UnprocessedKeysError";
  }
}
