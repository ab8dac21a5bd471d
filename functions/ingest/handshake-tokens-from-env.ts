import { FileTokenStore } from "../../shared/adapters/file/file-token-store";
import { SecretsManagerTokenStore } from "../../shared/adapters/secrets/secrets-manager-token-store";
import { HandshakeTokens } from "../../shared/ingest/handshake-tokens";
import { REGISTRY } from "../../shared/providers/registry";

/** `name` → the value of `<name><suffix>` for every store that has one. */
function locations(env: NodeJS.ProcessEnv, names: readonly string[], suffix: "_ARN" | "_FILE") {
  return Object.fromEntries(
    names.flatMap((name) => {
      const value = env[`${name}${suffix}`]?.trim();
      return value ? [[name, value]] : [];
    }),
  );
}

/**
 * Where this function keeps the tokens of unsigned handshakes: the Secrets Manager secrets named by
 * `<store>_ARN` (the stack sets them), else the files named by `<store>_FILE` (the local pipeline);
 * undefined when neither is set, so such a handshake is answered 503 naming what to set.
 */
export function handshakeTokensFromEnv(env: NodeJS.ProcessEnv = process.env): HandshakeTokens | undefined {
  const names = REGISTRY.providers.flatMap((p) =>
    p.unsignedHandshake ? [p.unsignedHandshake.store.name] : [],
  );
  const arns = locations(env, names, "_ARN");
  if (Object.keys(arns).length > 0) return new HandshakeTokens(new SecretsManagerTokenStore(arns));
  const files = locations(env, names, "_FILE");
  if (Object.keys(files).length > 0) return new HandshakeTokens(new FileTokenStore(files));
  return undefined;
}
