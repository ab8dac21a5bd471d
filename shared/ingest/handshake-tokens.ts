import { createHash } from "node:crypto";
import type { HandshakeTokenStore } from "./handshake-token-store";

export type KeptToken = "stored" | "unchanged" | "rate_limited";

/** An unauthenticated caller may write this often per function instance; Notion sends one token. */
export const HANDSHAKE_WRITES_PER_MINUTE = 5;

const digest = (token: string) => createHash("sha256").update(token).digest("hex");

/**
 * Keeps handshake tokens in their store, bounding what an unauthenticated caller can make ingest
 * write: the same token again (a resent verification request) writes nothing, and at most
 * `writesPerMinute` writes go to the store per function instance. Only a digest of the last token
 * is remembered, never the token.
 */
export class HandshakeTokens {
  private readonly lastDigest = new Map<string, string>();
  private window = { startedAt: 0, writes: 0 };

  constructor(
    private readonly store: HandshakeTokenStore,
    private readonly writesPerMinute = HANDSHAKE_WRITES_PER_MINUTE,
  ) {}

  async keep(name: string, token: string, now: Date): Promise<KeptToken> {
    const tokenDigest = digest(token);
    if (this.lastDigest.get(name) === tokenDigest) return "unchanged";
    if (now.getTime() - this.window.startedAt >= 60_000)
      this.window = { startedAt: now.getTime(), writes: 0 };
    if (this.window.writes >= this.writesPerMinute) return "rate_limited";
    this.window.writes += 1;
    await this.store.put(name, token);
    this.lastDigest.set(name, tokenDigest);
    return "stored";
  }
}
