import type { SampleSecrets, SampleWebhook } from "../../local/samples/sample-webhooks";
import { type HexSignatureScheme, signHex } from "../../shared/crypto/hex-hmac-signature";
import { GENERIC_SIGNATURE } from "../../shared/providers/generic";
import { GITHUB_SIGNATURE } from "../../shared/providers/github";
import { JIRA_SIGNATURE } from "../../shared/providers/jira";
import { PAGERDUTY_SIGNATURE } from "../../shared/providers/pagerduty";
import { signSlack } from "../../shared/providers/slack";
import { parseSecretList, parseSecretMap } from "../../shared/secrets/secret-values";

/** Providers that sign `<prefix><hex HMAC-SHA256 of the raw body>` in one header, and their secret. */
const HEX_SIGNED: Partial<Record<SampleWebhook["provider"], [HexSignatureScheme, keyof SampleSecrets]>> = {
  github: [GITHUB_SIGNATURE, "GITHUB_WEBHOOK_SECRET"],
  pagerduty: [PAGERDUTY_SIGNATURE, "PAGERDUTY_WEBHOOK_SECRET"],
  jira: [JIRA_SIGNATURE, "JIRA_WEBHOOK_SECRET"],
};

/** The secret a sender signs with: during rotation, the newest (last) of the active ones. */
const newest = (secrets: readonly string[] | undefined, what: string): string => {
  const secret = secrets?.at(-1);
  if (!secret) throw new Error(`no secret to sign the soak's ${what} webhook with`);
  return secret;
};

/**
 * The same request with another body, signed for it as its provider would: the soak's hand-written
 * payloads keep a sample's route, delivery headers and timestamp and only change what was signed.
 */
export function withBody(sample: SampleWebhook, body: string, secrets: SampleSecrets): SampleWebhook {
  const headers = { ...sample.headers };
  if (sample.provider === "slack") {
    const secret = newest(parseSecretList(secrets.SLACK_SIGNING_SECRET), "Slack");
    headers["x-slack-signature"] = signSlack(secret, headers["x-slack-request-timestamp"]!, body);
  } else if (sample.provider === "generic") {
    const source = sample.pathParameters?.source ?? "";
    const secret = newest(parseSecretMap(secrets.GENERIC_WEBHOOK_SECRETS).get(source), `'${source}'`);
    headers[GENERIC_SIGNATURE.header.toLowerCase()] = signHex(secret, body, GENERIC_SIGNATURE.prefix);
  } else {
    const hex = HEX_SIGNED[sample.provider];
    if (!hex) throw new Error(`the soak cannot re-sign ${sample.provider} webhooks`);
    const [scheme, name] = hex;
    headers[scheme.header.toLowerCase()] = signHex(
      newest(parseSecretList(secrets[name]), sample.provider),
      body,
      scheme.prefix,
    );
  }
  return { ...sample, headers, body };
}
