import { signHexHeader } from "../crypto/hex-hmac-signature";
import type { WebhookRequest } from "../http/webhook-request";
import type { SecretReader } from "../secrets/secret-reader";
import { UnusableSecretError } from "../secrets/unusable-secret-error";
import { DEFAULT_FIELDS } from "../sources/default-fields";
import { parseGenericSources, type SourceConfig } from "../sources/source-config";
import { sourceEventFields, sourceIdentifiers } from "../sources/source-event";
import { genericSourcesFromEnv } from "../sources/sources-from-env";
import { verifyUnlistedSource } from "../sources/unlisted-source";
import { verifySource } from "../sources/verify-source";
import { bodyFormat, readJsonBody } from "./body";
import type { ParseOutcome, Provider, SampleContext, Verification } from "./provider";
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

function identifiersOf(...args: Parameters<typeof sourceIdentifiers>) {
  const identifiers = sourceIdentifiers(...args);
  return Object.keys(identifiers).length > 0 ? { identifiers } : {};
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
        // Found here: the source's configured places may be headers, which the router never sees.
        ...identifiersOf(fields, body.value, req.headers),
      },
    ],
  };
}

const SOURCE_SECRETS = {
  name: "GENERIC_WEBHOOK_SECRETS",
  description: 'JSON object of generic source name → secret, e.g. {"coralogix":"…"}',
  development: JSON.stringify({ demo: "dev-generic-webhook-secret" }),
  placeholder: "json-object",
} as const;

// Written as a sender writes it, not by JSON.stringify: its own spacing and a 64-bit alert id no
// JavaScript number holds, so a local run shows these bytes reaching the agent unchanged.
const sampleBody = ({ id }: SampleContext) => `{ "event_type": "alert.triggered", "event_id": "alert-${id}",
  "alert_id": 12345678901234567890, "service": "checkout", "coralogix_team_name": "otel-demo",
  "summary": "p99 latency above 2 s" }`;

/** Any system that can sign a body or send a fixed token: one secret per source. */
export const generic: Provider<"generic"> = {
  name: "generic",
  title: "any other system",
  routes: [
    {
      path: "/webhooks/generic/{source}",
      title: "any other system",
      sample: {
        contentType: "application/json",
        body: sampleBody,
        headers: ({ id }) => ({ "x-webhook-id": id }),
      },
    },
  ],
  secret: SOURCE_SECRETS,
  verification:
    "as `GENERIC_WEBHOOK_SOURCES` configures the source; unlisted: `X-Webhook-Signature: sha256=…` or `Authorization: Bearer <token>`",
  handshakes: [],
  configuration: {
    variable: "GENERIC_WEBHOOK_SOURCES",
    context: "genericSources",
    description: "generic source name → how it is verified and where its fields are; no secrets",
    validate: parseGenericSources,
  },
  sign: (secret, body) => signHexHeader(GENERIC_SIGNATURE, secret, body),
  loadSecrets: (reader, route) => loadSecrets(reader, route.source ?? ""),
  verify: (req, secrets) => verify(req, secrets),
  parse: (req, route) => parse(req, route.source),
  identifiers: (payload) => sourceIdentifiers(DEFAULT_FIELDS, payload, {}),
};
