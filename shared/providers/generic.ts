import type { WebhookRequest } from "../http/webhook-request";
import type { SecretReader } from "../secrets/secret-reader";
import { UnusableSecretError } from "../secrets/unusable-secret-error";
import { DEFAULT_FIELDS } from "../sources/default-fields";
import type { SourceConfig } from "../sources/source-config";
import { sourceEventFields, sourceIdentifiers } from "../sources/source-event";
import { genericSourcesFromEnv } from "../sources/sources-from-env";
import { verifyUnlistedSource } from "../sources/unlisted-source";
import { verifySource } from "../sources/verify-source";
import { bodyFormat, readJsonBody } from "./body";
import type { ParseOutcome, Provider, Verification } from "./provider";
import { genericSourceSecrets } from "./secrets";

export const GENERIC_SIGNATURE = { header: "X-Webhook-Signature", prefix: "sha256=" } as const;

export class UnknownSourceError extends Error {
  constructor(readonly source: string) {
    super(`unknown generic source '${source}': add it to GENERIC_WEBHOOK_SECRETS`);
    this.name = "UnknownSourceError";
  }
}

/** How GENERIC_WEBHOOK_SOURCES configures a source; undefined for one it does not list. */
const configured = (source: string | undefined): SourceConfig | undefined =>
  source === undefined ? undefined : genericSourcesFromEnv().get(source);

/** `verify` is given the request alone: its source is the route's last segment (`/webhooks/generic/{source}`). */
const sourceOf = (req: WebhookRequest): string => req.path.replace(/\/+$/, "").split("/").at(-1) ?? "";

/** A listed source by its configured scheme (and allowlist); any other as before configuration existed. */
function verify(req: WebhookRequest, secrets: readonly string[]): Verification {
  const source = sourceOf(req);
  const config = configured(source);
  return config ? verifySource(source, config, req, secrets) : verifyUnlistedSource(req, secrets);
}

/** A basic source compares `user:password` as a whole: a secret without the colon can never match. */
function checkBasicSecrets(source: string, secrets: readonly string[]): void {
  secrets.forEach((secret, i) => {
    if (!secret.includes(":")) {
      const where = `GENERIC_WEBHOOK_SECRETS.${source}${secrets.length > 1 ? `[${i}]` : ""}`;
      throw new UnusableSecretError(
        "GENERIC_WEBHOOK_SECRETS",
        where,
        "must be user:password for a basic source",
      );
    }
  });
}

async function loadSecrets(reader: SecretReader, source: string): Promise<readonly string[]> {
  // The configuration first: a bad one fails every request, naming the source and field.
  const config = configured(source);
  const secrets = await genericSourceSecrets(reader, source);
  if (secrets === undefined) throw new UnknownSourceError(source);
  if (config?.scheme.scheme === "basic") checkBasicSecrets(source, secrets);
  return secrets;
}

function parse(req: WebhookRequest, source: string | undefined): ParseOutcome {
  const format = bodyFormat(req, ["json"]);
  if (typeof format !== "string") return format;
  const body = readJsonBody(req);
  if (!body.ok) return body;
  const fields = configured(source) ?? DEFAULT_FIELDS;
  return {
    kind: "events",
    events: [
      {
        ...sourceEventFields(fields, body.value, req.headers, req.rawBody),
        payload: body.value,
        payloadText: body.text,
      },
    ],
  };
}

/** Any system that can sign a body or send a fixed token: one secret per source. */
export const generic: Provider = {
  name: "generic",
  loadSecrets: (reader, route) => loadSecrets(reader, route.source ?? ""),
  verify: (req, secrets) => verify(req, secrets),
  parse: (req, route) => parse(req, route.source),
  identifiers: (payload) => sourceIdentifiers(DEFAULT_FIELDS, payload, {}),
};
