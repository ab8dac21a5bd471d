import { signHexHeader, verifyHexSignature } from "../../shared/crypto/hex-hmac-signature";
import { parseJsonEvent, pick, str } from "../../shared/providers/body";
import type { Provider } from "../../shared/providers/provider";
import { namedSecrets } from "../../shared/providers/secrets";
import type { SecretName } from "../../shared/secrets/secret-reader";

const SIGNATURE = { header: "X-Acme-Signature", prefix: "sha256=" } as const;
// A secret no SecretName lists: the reader reads any variable, the name union is only the built-ins'.
const SECRET = "ACME_WEBHOOK_SECRET" as SecretName;

/**
 * A provider module as someone adding one would write it, and nothing else: registered by a test
 * exactly as a new module is (its name in PROVIDER_NAMES, its line in BUILT_IN_PROVIDERS).
 */
export const acme: Provider<"acme"> = {
  name: "acme",
  title: "Acme Alerts",
  routes: [
    {
      path: "/webhooks/acme",
      title: "Acme Alerts",
      sample: {
        contentType: "application/json",
        body: ({ id }) => JSON.stringify({ id, kind: "alert.fired", service: "checkout" }),
      },
    },
  ],
  secret: { name: SECRET, description: "Acme Alerts signing secret", development: "dev-acme-secret" },
  verification: "`X-Acme-Signature: sha256=…`",
  handshakes: [],
  loadSecrets: (reader) => namedSecrets(reader, SECRET),
  verify: (req, secrets) => verifyHexSignature(SIGNATURE, req.headers, req.rawBody, secrets),
  sign: (secret, body) => signHexHeader(SIGNATURE, secret, body),
  parse: (req) =>
    parseJsonEvent(req, (body) => ({
      eventType: str(body.kind) ?? "alert",
      deliveryKey: str(body.id) ?? "none",
    })),

  identifiers: (payload) => {
    const service = str(pick(payload, "service"));
    return service ? { service } : {};
  },
};
