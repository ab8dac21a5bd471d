/**
 * Where a token a provider hands over in an unsigned handshake (Notion's verification token) is kept
 * until an operator reads it: a Secrets Manager secret ingest may write and never read, or a file
 * only its owner can read (local runs). The port ingest writes through; adapters live in adapters/.
 */
export interface HandshakeTokenStore {
  /** Replaces what `name` holds with `token`; rejects when the store cannot be written. */
  put(name: string, token: string): Promise<void>;
}
