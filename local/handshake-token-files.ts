import { join, resolve } from "node:path";
import { tokenFileName } from "../shared/adapters/file/file-token-store";
import { REGISTRY } from "../shared/providers/registry";

/** Where the local pipeline keeps its state; git-ignored. */
const LOCAL_DIR = ".local";

/** Each unsigned handshake's token file, by provider: `.local/notion-verification-token`. */
export const HANDSHAKE_TOKEN_FILES = REGISTRY.providers.flatMap(({ name, unsignedHandshake }) =>
  unsignedHandshake
    ? [
        {
          provider: name,
          store: unsignedHandshake.store.name,
          file: join(LOCAL_DIR, tokenFileName(unsignedHandshake.store.name)),
        },
      ]
    : [],
);

/**
 * `<store>_FILE` for the ingest handler: the local pipeline keeps handshake tokens in files only
 * their owner can read, where Lambda keeps them in Secrets Manager.
 */
export function handshakeTokenFileEnv(): Record<string, string> {
  return Object.fromEntries(HANDSHAKE_TOKEN_FILES.map(({ store, file }) => [`${store}_FILE`, resolve(file)]));
}
