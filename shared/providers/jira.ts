import { signHexHeader, verifyHexSignature } from "../crypto/hex-hmac-signature";
import type { WebhookRequest } from "../http/webhook-request";
import { collectIdentifiers } from "../routing/identifiers";
import { contentDeliveryKey, parseJsonEvent, pick, str } from "./body";
import type { ParseOutcome, Provider, SampleContext } from "./provider";
import { namedSecrets } from "./secrets";

/** Jira admin webhooks with a secret: note `X-Hub-Signature`, without GitHub's `-256`. */
export const JIRA_SIGNATURE = { header: "X-Hub-Signature", prefix: "sha256=" } as const;

function parse(req: WebhookRequest): ParseOutcome {
  return parseJsonEvent(req, (body) => ({
    eventType: str(body.webhookEvent) ?? "jira:webhook",
    deliveryKey: str(req.headers["x-atlassian-webhook-identifier"]) ?? contentDeliveryKey(req.rawBody),
  }));
}

const WEBHOOK_SECRET = {
  name: "JIRA_WEBHOOK_SECRET",
  description: "Jira admin webhook secret",
  development: "dev-jira-webhook-secret",
} as const;

const sampleBody = ({ now }: SampleContext) =>
  JSON.stringify({
    timestamp: now.getTime(),
    webhookEvent: "jira:issue_created",
    issue: {
      id: "10001",
      key: "OPS-1",
      fields: { summary: "Checkout errors", components: [{ name: "payment" }] },
    },
  });

export const jira: Provider<"jira"> = {
  name: "jira",
  title: "Jira",
  routes: [
    {
      path: "/webhooks/jira",
      title: "Jira",
      sample: {
        contentType: "application/json",
        body: sampleBody,
        headers: ({ id }) => ({ "x-atlassian-webhook-identifier": id }),
      },
    },
  ],
  secret: WEBHOOK_SECRET,
  verification: "`X-Hub-Signature: sha256=…`",
  handshakes: [],
  loadSecrets: (reader) => namedSecrets(reader, WEBHOOK_SECRET.name),
  verify: (req, secrets) => verifyHexSignature(JIRA_SIGNATURE, req.headers, req.rawBody, secrets),
  sign: (secret, body) => signHexHeader(JIRA_SIGNATURE, secret, body),
  parse,
  // A Jira component or label named after a service is the nearest thing to a routing identifier.
  identifiers: (payload) =>
    collectIdentifiers({ service: [pick(payload, "issue", "fields", "components", "0", "name")] }),
};
