import { verifyHexSignature } from "../crypto/hex-hmac-signature";
import type { WebhookRequest } from "../http/webhook-request";
import { collectIdentifiers } from "../routing/identifiers";
import { bodyFormat, contentDeliveryKey, pick, readJsonBody, str } from "./body";
import type { ParseOutcome, Provider } from "./provider";
import { namedSecrets } from "./secrets";

/** Jira admin webhooks with a secret: note `X-Hub-Signature`, without GitHub's `-256`. */
export const JIRA_SIGNATURE = { header: "X-Hub-Signature", prefix: "sha256=" } as const;

function parse(req: WebhookRequest): ParseOutcome {
  const format = bodyFormat(req, ["json"]);
  if (typeof format !== "string") return format;
  const body = readJsonBody(req);
  if (!body.ok) return body;
  return {
    kind: "events",
    events: [
      {
        eventType: str(body.value.webhookEvent) ?? "jira:webhook",
        deliveryKey: str(req.headers["x-atlassian-webhook-identifier"]) ?? contentDeliveryKey(req.rawBody),
        payload: body.value,
        payloadText: body.text,
      },
    ],
  };
}

export const jira: Provider = {
  name: "jira",
  loadSecrets: (reader) => namedSecrets(reader, "JIRA_WEBHOOK_SECRET"),
  verify: (req, secrets) => verifyHexSignature(JIRA_SIGNATURE, req.headers, req.rawBody, secrets),
  parse,
  // A Jira component or label named after a service is the nearest thing to a routing identifier.
  identifiers: (payload) =>
    collectIdentifiers({ service: [pick(payload, "issue", "fields", "components", "0", "name")] }),
};
