// zod/mini, as the envelope uses: the ingest bundle stays small.
import * as z from "zod/mini";
import type { IdentifierKind } from "../routing/identifiers";
import { IDENTIFIER_PRIORITY } from "../routing/identifiers";
import { type Cidr, parseCidr } from "./cidr";
import { DEFAULT_FIELDS } from "./default-fields";
import { IpAllowlist } from "./ip-allowlist";
import { parseJsonPath } from "./json-path";
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
/** An HTTP header name (RFC 9110 token). */
const HEADER_NAME = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;
const QUERY_PARAM = /^[A-Za-z0-9_.~-]{1,64}$/;

const custom = (message: string, input: unknown, path: PropertyKey[] = []): z.core.$ZodRawIssue => ({
  code: "custom",
  message,
  input,
  path,
});

const headerName = z.pipe(
  z.string(),
  z.transform((text, ctx) => {
    if (HEADER_NAME.test(text)) return text.toLowerCase();
    ctx.issues.push(custom("is not an HTTP header name (letters, digits and !#$%&'*+-.^_`|~)", text));
    return z.NEVER;
  }),
);

const cidr = z.pipe(
  z.string(),
  z.transform((text, ctx): Cidr => {
    const parsed = parseCidr(text);
    if (parsed) return parsed;
    ctx.issues.push(
      custom(`${JSON.stringify(text)} is not a CIDR (e.g. 203.0.113.0/24 or 2001:db8::/32)`, text),
    );
    return z.NEVER;
  }),
);

const allowIps = z.array(cidr).check(z.minLength(1));

/**
 * A query token travels in the URL, where proxies and browsers may keep it: the allowlist is what
 * keeps a leaked token useless, so it must exist and must not allow every address.
 */
const queryTokenAllowIps = allowIps.check(
  z.superRefine((cidrs, ctx) => {
    cidrs.forEach((c, i) => {
      if (c.prefix === 0) {
        ctx.issues.push(
          custom(
            `${c.address}/0 allows every address; a query-token source must list its sender's addresses`,
            c,
            [i],
          ),
        );
      }
    });
  }),
);

const PLACE_HINT = 'a body path ("alert.id", "incidents[0].id"), {"path": …} or {"header": …}';

function toLocation(input: unknown): ValueLocation | string {
  const spec = typeof input === "string" ? { path: input } : input;
  if (typeof spec !== "object" || spec === null || Array.isArray(spec) || Object.keys(spec).length !== 1) {
    return `must be ${PLACE_HINT}`;
  }
  if ("header" in spec) {
    return typeof spec.header === "string" && HEADER_NAME.test(spec.header)
      ? { header: spec.header.toLowerCase() }
      : "header must be an HTTP header name";
  }
  if ("path" in spec && typeof spec.path === "string") {
    const path = parseJsonPath(spec.path);
    return path
      ? { path }
      : `${JSON.stringify(spec.path)} is not a body path: join member names with dots and write [n] for an array item`;
  }
  return `must be ${PLACE_HINT}`;
}

/** One place or a list of places, tried in order: the first that holds a value wins. */
const locations = z.pipe(
  z.unknown(),
  z.transform((input, ctx): ValueLocation[] => {
    const entries = Array.isArray(input) ? input : [input];
    if (entries.length === 0) ctx.issues.push(custom("must name at least one place", input));
    const out: ValueLocation[] = [];
    entries.forEach((entry, i) => {
      const location = toLocation(entry);
      if (typeof location === "string") {
        ctx.issues.push(custom(location, entry, Array.isArray(input) ? [i] : []));
      } else out.push(location);
    });
    return out;
  }),
);

const identifiers = z.strictObject(
  Object.fromEntries(IDENTIFIER_PRIORITY.map((kind) => [kind, z.optional(locations)])) as Record<
    IdentifierKind,
    z.ZodMiniOptional<typeof locations>
  >,
);

const fields = {
  allow_ips: z.optional(allowIps),
  event_type: z.optional(locations),
  delivery_key: z.optional(locations),
  identifiers: z.optional(identifiers),
};

const SCHEMES = ["hmac-sha256", "bearer", "shared-secret", "basic", "query-token"] as const;

const SourceSchema = z.discriminatedUnion("scheme", [
  z.strictObject({
    scheme: z.literal("hmac-sha256"),
    header: z.optional(headerName),
    // Duplicate headers arrive comma-joined and are split on commas: a prefix cannot hold one.
    prefix: z.optional(z.string().check(z.regex(/^[^,]*$/, "must not contain a comma"))),
    encoding: z.optional(z.enum(["hex", "base64"])),
    ...fields,
  }),
  z.strictObject({ scheme: z.literal("bearer"), ...fields }),
  z.strictObject({ scheme: z.literal("shared-secret"), header: z.optional(headerName), ...fields }),
  z.strictObject({ scheme: z.literal("basic"), ...fields }),
  z.strictObject({
    scheme: z.literal("query-token"),
    param: z.optional(
      z.string().check(z.regex(QUERY_PARAM, "must be a query parameter name (letters, digits, _ . ~ -)")),
    ),
    ...fields,
    allow_ips: queryTokenAllowIps,
  }),
]);

type SourceInput = z.infer<typeof SourceSchema>;

const list = (items: readonly string[]) => items.map((s) => `\`${s}\``).join(", ");

/** zod's issues in words that say what to write instead. */
function describe(issue: z.core.$ZodRawIssue): string | undefined {
  switch (issue.code) {
    case "invalid_type":
      if (issue.input === undefined) {
        return issue.path?.at(-1) === "allow_ips"
          ? "is required for a query-token source: list the addresses its sender posts from"
          : "is required";
      }
      return `must be ${issue.expected === "array" ? "a list" : issue.expected === "object" ? "a JSON object" : `a ${issue.expected}`}`;
    case "invalid_union":
      return (issue.input as { scheme?: unknown } | undefined)?.scheme === undefined
        ? `is required: one of ${list(SCHEMES)}`
        : `must be one of ${list(SCHEMES)}`;
    case "invalid_value":
      return `must be one of ${list(issue.values.map(String))}`;
    case "too_small":
      return "must list at least one entry";
    case "unrecognized_keys": {
      const scheme = (issue.input as { scheme?: unknown } | undefined)?.scheme;
      const one = issue.keys.length === 1;
      const where =
        issue.path?.at(-1) === "identifiers"
          ? `${one ? "an identifier kind" : "identifier kinds"}: use ${list(IDENTIFIER_PRIORITY)}`
          : `${one ? "a field" : "fields"} of a ${typeof scheme === "string" ? scheme : "generic"} source`;
      return `${list(issue.keys)} ${one ? "is not" : "are not"} ${where}`;
    }
    default:
      return undefined;
  }
}

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
    const result = SourceSchema.safeParse(value, { error: describe });
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
