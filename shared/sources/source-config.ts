import type { IdentifierKind } from "../routing/identifiers";
import { DEFAULT_FIELDS } from "./default-fields";
import { IpAllowlist } from "./ip-allowlist";
import { describeIssue, type SourceInput, sourceSchema } from "./source-schema";
import type { ValueLocation } from "./value-location";

/** How a source's requests prove they come from the sender. */
export type SchemeConfig =
  | { scheme: "hmac-sha256"; header: string; prefix: string; encoding: "hex" | "base64" }
  | { scheme: "bearer" }
  | { scheme: "shared-secret"; header: string }
  | { scheme: "basic" }
  | { scheme: "query-token"; param: string };

/** One generic source, checked and ready to use: every default filled in. */
export interface SourceConfig {
  scheme: SchemeConfig;
  allowIps?: IpAllowlist;
  eventType: readonly ValueLocation[];
  deliveryKey: readonly ValueLocation[];
  identifiers: Readonly<Partial<Record<IdentifierKind, readonly ValueLocation[]>>>;
}

/** Where a source's event fields are when its configuration names none. */
export interface FieldDefaults {
  eventType: readonly ValueLocation[];
  deliveryKey: readonly ValueLocation[];
  identifiers: SourceConfig["identifiers"];
}

/** A GENERIC_WEBHOOK_SOURCES value that cannot be used; the message names the source and the field. */
export class SourceConfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "SourceConfigError";
  }
}

/** The route's `{source}` segment: only names a request can address are worth configuring. */
const SOURCE_NAME = /^[A-Za-z0-9_-]{1,64}$/;

const pathText = (path: readonly PropertyKey[]) =>
  path.map((step) => (typeof step === "number" ? `[${step}]` : `.${String(step)}`)).join("");

/** The header a scheme reads its credential from, which no event field may be read from. */
function credentialHeader(scheme: SchemeConfig): string | undefined {
  switch (scheme.scheme) {
    case "hmac-sha256":
    case "shared-secret":
      return scheme.header;
    case "bearer":
    case "basic":
      return "authorization";
    case "query-token":
      return undefined;
  }
}

function schemeOf(input: SourceInput): SchemeConfig {
  switch (input.scheme) {
    case "hmac-sha256":
      return {
        scheme: input.scheme,
        header: input.header ?? "x-webhook-signature",
        prefix: input.prefix ?? "sha256=",
        encoding: input.encoding ?? "hex",
      };
    case "shared-secret":
      return { scheme: input.scheme, header: input.header ?? "x-webhook-secret" };
    case "query-token":
      return { scheme: input.scheme, param: input.param ?? "token" };
    default:
      return { scheme: input.scheme };
  }
}

/**
 * A credential header must stay where only the verifier reads it: read as an event field, it would
 * copy the secret into the queue, the events table and the logs. Refused, naming the field.
 */
function secretLeaks(input: SourceInput, scheme: SchemeConfig): string[] {
  const header = credentialHeader(scheme);
  if (header === undefined) return [];
  const reads = (places: readonly ValueLocation[] | undefined) =>
    places?.some((place) => "header" in place && place.header === header) ?? false;
  const named: Array<[string, readonly ValueLocation[] | undefined]> = [
    ["event_type", input.event_type],
    ["delivery_key", input.delivery_key],
    ...Object.entries(input.identifiers ?? {}).map(
      ([kind, places]): [string, readonly ValueLocation[] | undefined] => [`identifiers.${kind}`, places],
    ),
  ];
  return named
    .filter(([, places]) => reads(places))
    .map(
      ([field]) => `${field}: the ${header} header carries this source's secret and cannot be an event field`,
    );
}

function toSourceConfig(input: SourceInput): SourceConfig {
  const scheme = schemeOf(input);
  return {
    scheme,
    ...(input.allow_ips ? { allowIps: new IpAllowlist(input.allow_ips) } : {}),
    eventType: input.event_type ?? DEFAULT_FIELDS.eventType,
    deliveryKey: input.delivery_key ?? DEFAULT_FIELDS.deliveryKey,
    identifiers: input.identifiers ?? DEFAULT_FIELDS.identifiers,
  };
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch (error) {
    const position = /position (\d+)/.exec((error as Error).message)?.[1];
    throw new SourceConfigError(
      `GENERIC_WEBHOOK_SOURCES is not valid JSON${position ? ` (syntax error at character ${position})` : ""}`,
    );
  }
}

/**
 * GENERIC_WEBHOOK_SOURCES: a JSON object of source name → configuration. Every problem is reported
 * at once, each as `GENERIC_WEBHOOK_SOURCES.<source>.<field>: <what is wrong>`. An empty or missing
 * value configures no source.
 */
export function parseGenericSources(text: string | undefined): ReadonlyMap<string, SourceConfig> {
  const sources = new Map<string, SourceConfig>();
  if (text === undefined || text.trim() === "") return sources;
  const parsed = parseJson(text);
  if (typeof parsed !== "object" || parsed === null || Array.isArray(parsed)) {
    throw new SourceConfigError(
      "GENERIC_WEBHOOK_SOURCES must be a JSON object of source name → configuration",
    );
  }
  const problems: string[] = [];
  for (const [name, value] of Object.entries(parsed)) {
    const at = `GENERIC_WEBHOOK_SOURCES.${name}`;
    if (!SOURCE_NAME.test(name)) {
      problems.push(
        `GENERIC_WEBHOOK_SOURCES: the source name ${JSON.stringify(name)} cannot be addressed: use 1 to 64 letters, digits, _ or - (it is the URL's last segment)`,
      );
      continue;
    }
    const result = sourceSchema().safeParse(value, { error: describeIssue });
    if (!result.success) {
      problems.push(...result.error.issues.map((issue) => `${at}${pathText(issue.path)}: ${issue.message}`));
      continue;
    }
    const source = toSourceConfig(result.data);
    const leaks = secretLeaks(result.data, source.scheme);
    if (leaks.length > 0) problems.push(...leaks.map((leak) => `${at}.${leak}`));
    else sources.set(name, source);
  }
  if (problems.length > 0) throw new SourceConfigError(problems.join("; "));
  return sources;
}
