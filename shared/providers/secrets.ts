import type { SecretName, SecretReader } from "../secrets/secret-reader";
import { parseSecretList } from "../secrets/secret-values";

/** The active secrets held under one secret name (a plain value or a JSON array during rotation). */
export async function namedSecrets(reader: SecretReader, name: SecretName): Promise<string[]> {
  return parseSecretList(await reader.read(name));
}
