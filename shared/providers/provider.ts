import type { WebhookRequest } from "../http/webhook-request";
import type { RoutingIdentifiers } from "../routing/identifiers";
import type { SecretName, SecretReader } from "../secrets/secret-reader";

/**
 * The names of the providers the registry serves, in the README's order; the registry's built-in
 * list must hold exactly one provider per name (its type says so). A list of its own, not read off
 * the provider modules: the envelope's schema validates names when it loads, and a provider may
 * itself import the envelope (the generic sources read its forwarded headers), which would make
 * deriving the names from the modules an import cycle.
 */
export const PROVIDER_NAMES = [
  "slack",
  "github",
  "pagerduty",
  "incidentio",
  "jira",
  "notion",
  "generic",
] as const;
export type ProviderName = (typeof PROVIDER_NAMES)[number];

/** Where a request was addressed: the provider, the route template and, for generic senders, the source. */
export interface RouteMatch {
  provider: ProviderName;
  route: string;
  source?: string;
}

/**
 * `mismatch`: the credential was well-formed (and its timestamp, where signed, fresh) and matched
 * none of the secrets: the one refusal a secret added since they were read could turn around, so
 * ingest re-reads the secret and verifies again. Missing headers, malformed values, stale
 * timestamps and refused addresses are the sender's to fix and leave it out.
 */
export type Verification = { ok: true } | { ok: false; problem: string; mismatch?: true };

/** One event to queue. A body may hold several (PagerDuty V2 `messages`). */
export interface WebhookEvent {
  eventType: string;
  action?: string;
  /** The provider's own id of this delivery, stable across its retries: the idempotency key. */
  deliveryKey: string;
  /**
   * The parsed payload, for what ingest reads in it (filters, identifiers, delivery keys). A provider
   * that only checked its body (GitHub's JSON) makes this a getter parsing `payloadText` when first
   * read: copying the event with a spread reads it.
   */
  payload: unknown;
  /**
   * The payload's JSON text exactly as the sender wrote it (the request body, the `payload` form
   * field, one PagerDuty V2 message's own text): what is queued and what the agent receives, so big
   * integers, key order, spacing and escapes survive.
   */
  payloadText: string;
  /**
   * Routing identifiers ingest already found, where only ingest can find them (a configured generic
   * source's body paths and headers); the router otherwise extracts them from the payload.
   */
  identifiers?: RoutingIdentifiers;
  retry?: { num: number; reason?: string };
}

export type ParseOutcome =
  | { kind: "events"; events: WebhookEvent[] }
  /** A handshake answered directly and not queued (Slack url_verification). */
  | { kind: "respond"; reason: string; body: unknown }
  /** Deliberately not queued (ping, ssl_check, bot messages). */
  | { kind: "ignore"; reason: string }
  | { kind: "invalid"; statusCode: 400 | 415; problem: string };

/** What a local sample is built from: fresh per request, so every sample is a new delivery. */
export interface SampleContext {
  now: Date;
  /** A fresh UUID, for the delivery's ids. */
  id: string;
  /** The chat channel a sample comes from, for providers that have channels (Slack). */
  channel?: string;
}

/** A realistic request for one route: what `npm run send`, `npm run events` and the soak sign and send. */
export interface RouteSample {
  contentType: string;
  /** The body, carrying seed 000's routing identifiers so a local run routes it to the demo team. */
  body(context: SampleContext): string;
  /** The provider's own headers besides its signature (event name, delivery id). */
  headers?(context: SampleContext): Record<string, string>;
}

/** One path the provider sends to. */
export interface ProviderRoute {
  /** As deployed: `/webhooks/github`; `{source}` is a segment naming a generic sender. */
  path: string;
  /** What arrives there, for the README and the stack's outputs (`Slack Events API`). */
  title: string;
  /**
   * How a request ingest takes (accepted or deliberately ignored) is answered: `json` (the default)
   * with the `{"status": …}` body; `empty` with an empty 200 and no content type, as Bolt's `ack()`
   * does for Slack interactivity and slash commands, where a body is shown to the user or read as a
   * `response_action` that breaks a modal.
   */
  acknowledgement?: "json" | "empty";
  sample: RouteSample;
}

/** The secret a provider's requests are verified with. */
export interface ProviderSecret {
  /** `NAME` holds the value (local runs, tests); `NAME_ARN` names its Secrets Manager secret. */
  name: SecretName;
  /** What an operator puts there, for the secret's description in Secrets Manager. */
  description: string;
  /** The public value the local pipeline and `npm run send` use when none is set: never deploy it. */
  development: string;
  /**
   * The stack's placeholder until the operator puts the real value: random text (the default), or
   * a JSON object for secrets holding one (generic sources), so the route still answers 401 or 404.
   */
  placeholder?: "random" | "json-object";
}

/**
 * The one request a provider sends unsigned by design, to hand over a token an operator must copy
 * (Notion's subscription verification). It is recognised before verification, answered 200, never
 * queued or logged, and its token stored in `store`, a secret ingest may write and never read: a
 * caller can at worst replace what the operator reads, never what requests are verified with.
 */
export interface UnsignedHandshake {
  /** What the handshake is, for the README. */
  title: string;
  /** Where the token is kept: `NAME_ARN` a Secrets Manager secret, `NAME_FILE` a file (local runs). */
  store: { name: string; description: string };
  /**
   * The token when the request is this handshake, a problem when it tries to be one and is not
   * well-formed (without quoting it), undefined when it is any other request.
   */
  read(req: WebhookRequest): { token: string } | { problem: string } | undefined;
}

/**
 * One webhook sender, describing itself: everything else (the handlers, the stack's routes,
 * functions, secrets and outputs, the local runner, `npm run send`, the README's route table)
 * follows from the registry. Pure: no AWS client in here.
 */
export interface Provider<Name extends string = ProviderName> {
  name: Name;
  /** Its name as people write it (`incident.io`). */
  title: string;
  routes: readonly ProviderRoute[];
  secret: ProviderSecret;
  /** How a request is verified, for the README (`X-Hub-Signature-256`). */
  verification: string;
  /** Requests answered without queueing, for the README (`ping`, `url_verification`). */
  handshakes: readonly string[];
  unsignedHandshake?: UnsignedHandshake;
  /** Non-secret configuration the stack deploys from CDK context into the function's environment. */
  configuration?: {
    /** The environment variable the provider reads (JSON). */
    variable: string;
    /** The CDK context value that fills it. */
    context: string;
    /** What it holds, for the synth's errors. */
    description: string;
    /** Throws, naming what is wrong, for JSON text the provider would refuse at cold start. */
    validate?(text: string): void;
  };
  /** The active secrets for this route (several during rotation). */
  loadSecrets(reader: SecretReader, route: RouteMatch): readonly string[] | Promise<readonly string[]>;
  verify(req: WebhookRequest, secrets: readonly string[], now: Date): Verification;
  /**
   * The headers a sender adds to sign `body` with `secret`, given its other headers: what `verify`
   * accepts. For the local samples; production never signs as a provider.
   */
  sign(
    secret: string,
    body: string,
    headers: Readonly<Record<string, string>>,
    now: Date,
  ): Record<string, string>;
  /** The events in a verified body, with their event type and delivery key. */
  parse(req: WebhookRequest, route: RouteMatch): ParseOutcome;
  /** Every routing identifier found in one event's payload. */
  identifiers(payload: unknown): RoutingIdentifiers;
}
