import { signHexHeader, verifyHexSignature } from "../crypto/hex-hmac-signature";
import type { WebhookRequest } from "../http/webhook-request";
import { collectIdentifiers } from "../routing/identifiers";
import {
  bodyFormat,
  pick,
  readForm,
  readFormPayloadField,
  readJsonBodyMembers,
  str,
  withPayloadParsedOnRead,
} from "./body";
import type { ParseOutcome, Provider } from "./provider";
import { namedSecrets } from "./secrets";

export const GITHUB_SIGNATURE = { header: "X-Hub-Signature-256", prefix: "sha256=" } as const;

function parse(req: WebhookRequest): ParseOutcome {
  const eventName = req.headers["x-github-event"];
  const deliveryKey = req.headers["x-github-delivery"];
  if (!eventName) return { kind: "invalid", statusCode: 400, problem: "missing X-GitHub-Event header" };
  if (!deliveryKey) return { kind: "invalid", statusCode: 400, problem: "missing X-GitHub-Delivery header" };
  // A webhook can be set to either content type in GitHub's settings; both carry the same JSON.
  const format = bodyFormat(req, ["json", "form"]);
  if (typeof format !== "string") return format;
  if (format === "form") {
    const body = readFormPayloadField(readForm(req));
    if (!body.ok) return body;
    return events(eventName, deliveryKey, body.value.action, body.text, { payload: body.value });
  }
  // Ingest reads only `action` in a JSON body (the router finds the repository in its own parse):
  // the body is checked, not parsed, unless a filter looks inside.
  const body = readJsonBodyMembers(req, ["action"]);
  if (!body.ok) return body;
  return events(eventName, deliveryKey, body.value[0], body.text);
}

/** The outcome of a body already checked: ping answered, anything else one event; `parsed` when it was. */
function events(
  eventName: string,
  deliveryKey: string,
  actionValue: unknown,
  payloadText: string,
  parsed?: { payload: unknown },
): ParseOutcome {
  if (eventName === "ping") return { kind: "ignore", reason: "github ping: the webhook is set up correctly" };
  const action = str(actionValue);
  const event = { eventType: eventName, ...(action ? { action } : {}), deliveryKey, payloadText };
  return {
    kind: "events",
    events: [parsed ? { ...event, payload: parsed.payload } : withPayloadParsedOnRead(event)],
  };
}

const WEBHOOK_SECRET = {
  name: "GITHUB_WEBHOOK_SECRET",
  description: "GitHub webhook secret",
  development: "dev-github-webhook-secret",
} as const;

const sampleBody = () =>
  JSON.stringify({
    action: "opened",
    number: 42,
    pull_request: {
      number: 42,
      title: "Fix checkout timeout",
      state: "open",
      html_url: "https://github.com/incidentfox/mono-repo/pull/42",
    },
    repository: { id: 1, name: "mono-repo", full_name: "incidentfox/mono-repo", private: true },
    sender: { login: "octocat" },
  });

/** GitHub repository and App webhooks. */
export const github: Provider<"github"> = {
  name: "github",
  title: "GitHub",
  routes: [
    {
      path: "/webhooks/github",
      title: "GitHub",
      sample: {
        contentType: "application/json",
        body: sampleBody,
        headers: ({ id }) => ({
          "x-github-event": "pull_request",
          "x-github-delivery": id,
          "x-github-hook-id": "123456",
        }),
      },
    },
  ],
  secret: WEBHOOK_SECRET,
  verification: "`X-Hub-Signature-256`",
  handshakes: ["`ping`"],
  loadSecrets: (reader) => namedSecrets(reader, WEBHOOK_SECRET.name),
  verify: (req, secrets) => verifyHexSignature(GITHUB_SIGNATURE, req.headers, req.rawBody, secrets),
  sign: (secret, body) => signHexHeader(GITHUB_SIGNATURE, secret, body),
  parse,
  identifiers: (payload) => collectIdentifiers({ github_repo: [pick(payload, "repository", "full_name")] }),
};
