import { describe, expect, it } from "vitest";
import type { HandshakeTokenStore } from "../../../shared/ingest/handshake-token-store";
import { HANDSHAKE_WRITES_PER_MINUTE, HandshakeTokens } from "../../../shared/ingest/handshake-tokens";

class RecordingStore implements HandshakeTokenStore {
  readonly puts: [string, string][] = [];
  failure: Error | undefined;
  async put(name: string, token: string) {
    if (this.failure) throw this.failure;
    this.puts.push([name, token]);
  }
}

const at = (seconds: number) => new Date(Date.UTC(2026, 0, 1, 12, 0, seconds));
const token = (i: number) => `secret_handshakeTestToken${String(i).padStart(4, "0")}`;

describe("HandshakeTokens", () => {
  it("stores a token, and writes nothing for the same token again (a resent verification request)", async () => {
    const store = new RecordingStore();
    const tokens = new HandshakeTokens(store);
    expect(await tokens.keep("NOTION_VERIFICATION_TOKEN", token(1), at(0))).toBe("stored");
    expect(await tokens.keep("NOTION_VERIFICATION_TOKEN", token(1), at(1))).toBe("unchanged");
    expect(store.puts).toEqual([["NOTION_VERIFICATION_TOKEN", token(1)]]);
  });

  it(`writes at most ${HANDSHAKE_WRITES_PER_MINUTE} different tokens a minute, then again the next minute`, async () => {
    const store = new RecordingStore();
    const tokens = new HandshakeTokens(store);
    for (let i = 0; i < HANDSHAKE_WRITES_PER_MINUTE; i++) {
      expect(await tokens.keep("NOTION_VERIFICATION_TOKEN", token(i), at(i))).toBe("stored");
    }
    expect(await tokens.keep("NOTION_VERIFICATION_TOKEN", token(99), at(30))).toBe("rate_limited");
    expect(store.puts).toHaveLength(HANDSHAKE_WRITES_PER_MINUTE);
    expect(await tokens.keep("NOTION_VERIFICATION_TOKEN", token(99), at(61))).toBe("stored");
  });

  it("passes the store's failure on, and tries again with the next request", async () => {
    const store = new RecordingStore();
    store.failure = new Error("ThrottlingException");
    const tokens = new HandshakeTokens(store);
    await expect(tokens.keep("NOTION_VERIFICATION_TOKEN", token(1), at(0))).rejects.toThrow(
      "ThrottlingException",
    );
    store.failure = undefined;
    expect(await tokens.keep("NOTION_VERIFICATION_TOKEN", token(1), at(1))).toBe("stored");
  });
});
