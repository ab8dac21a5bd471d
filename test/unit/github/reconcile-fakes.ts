import type { AcceptedDeliveries } from "../../../shared/github/accepted-deliveries";
import {
  type GitHubDeliveries,
  type GitHubDelivery,
  GitHubRequestError,
} from "../../../shared/github/github-deliveries";
import type { RedeliveryLedger, RedeliveryRequest } from "../../../shared/github/redelivery-ledger";

export const NOW = new Date("2026-12-02T12:00:00Z");
export const minutesAgo = (m: number) => new Date(NOW.getTime() - m * 60_000);

let nextId = 1000;

/** One attempt in GitHub's log. */
export const attempt = (
  guid: string,
  statusCode: number,
  at: Date,
  more: Partial<GitHubDelivery> = {},
): GitHubDelivery => ({
  id: nextId++,
  guid,
  deliveredAt: at,
  redelivery: false,
  statusCode,
  event: "pull_request",
  action: "opened",
  ...more,
});

/** GitHub's log in memory: listed newest first like the API, redeliveries asked for kept, some refused. */
export class FakeGitHub implements GitHubDeliveries {
  readonly redelivered: number[] = [];
  constructor(
    readonly log: GitHubDelivery[],
    private readonly refuse: Set<number> = new Set(),
  ) {}
  async *listSince(since: Date) {
    const newest = [...this.log].sort((a, b) => b.deliveredAt.getTime() - a.deliveredAt.getTime());
    for (const d of newest) if (d.deliveredAt >= since) yield d;
  }
  async redeliver(id: number) {
    if (this.refuse.has(id))
      throw new GitHubRequestError(
        `asking GitHub to redeliver delivery ${id} failed: GitHub answered 422`,
        422,
      );
    this.redelivered.push(id);
  }
}

export class FakeAccepted implements AcceptedDeliveries {
  readonly asked: Array<{ guid: string; since: Date }> = [];
  constructor(private readonly guids: Set<string> = new Set()) {}
  async accepted(guid: string, since: Date) {
    this.asked.push({ guid, since });
    return this.guids.has(guid);
  }
}

/** The ledger in memory, with the DynamoDB adapter's condition: no second request after `notBefore`. */
export class FakeLedger implements RedeliveryLedger {
  readonly records = new Map<string, { request: RedeliveryRequest; refused?: string }>();
  async lastRequested(guid: string) {
    const r = this.records.get(guid);
    return r && !r.refused ? r.request.requestedAt : undefined;
  }
  async record(request: RedeliveryRequest, notBefore: Date) {
    const r = this.records.get(request.guid);
    if (r && !r.refused && r.request.requestedAt >= notBefore) return false;
    this.records.set(request.guid, { request });
    return true;
  }
  async recordRefused(request: RedeliveryRequest, reason: string) {
    this.records.set(request.guid, { request, refused: reason });
  }
}
