import type { SampleSecrets, SampleWebhook } from "../../local/samples/sample-webhooks";
import { PROVIDERS } from "../../shared/providers/registry";
import { parseSecretList, parseSecretMap } from "../../shared/secrets/secret-values";

/**
 * The same request with another body, signed for it by its provider's own `sign` (with the newest
 * of the active secrets, as a sender does during rotation): the soak's hand-written payloads keep a
 * sample's route and delivery headers and change only what was signed.
 */
export function withBody(sample: SampleWebhook, body: string, secrets: SampleSecrets): SampleWebhook {
  const provider = PROVIDERS[sample.provider];
  const { name } = provider.secret;
  const source = sample.pathParameters?.source;
  const active =
    source === undefined
      ? parseSecretList(secrets[name], name)
      : parseSecretMap(secrets[name], name).get(source);
  const secret = active?.at(-1);
  if (!secret)
    throw new Error(`no ${name}${source ? ` for '${source}'` : ""} to sign the soak's webhook with`);
  const signed = provider.sign(secret, body, sample.headers, new Date());
  return { ...sample, headers: { ...sample.headers, ...signed }, body };
}
