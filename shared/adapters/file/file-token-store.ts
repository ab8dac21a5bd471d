import { mkdir, open } from "node:fs/promises";
import { dirname } from "node:path";
import type { HandshakeTokenStore } from "../../ingest/handshake-token-store";

/** Read and write for the owner only: the token is what signs a provider's requests. */
const OWNER_ONLY = 0o600;

/** The file a store's token is kept in, in the local pipeline's `.local/`: `notion-verification-token`. */
export const tokenFileName = (store: string): string => store.toLowerCase().replaceAll("_", "-");

/** Handshake tokens in files, by store name → path (the local pipeline: `.local/<store>`). */
export class FileTokenStore implements HandshakeTokenStore {
  constructor(private readonly paths: Readonly<Record<string, string>>) {}

  async put(name: string, token: string): Promise<void> {
    const path = this.paths[name];
    if (!path) throw new Error(`no file for ${name}: set ${name}_FILE`);
    await mkdir(dirname(path), { recursive: true, mode: 0o700 });
    const file = await open(path, "w", OWNER_ONLY);
    try {
      // An existing file keeps its mode on open: narrow it before the token is in it.
      await file.chmod(OWNER_ONLY);
      await file.writeFile(`${token}\n`);
    } finally {
      await file.close();
    }
  }
}
