// zod/mini, as the envelope uses: the ingest bundle stays small.
import * as z from "zod/mini";
import { IDENTIFIER_PRIORITY, type IdentifierKind } from "../routing/identifiers";
import { type Cidr, parseCidr } from "./cidr";
import { parseJsonPath } from "./json-path";
import type { ValueLocation } from "./value-location";

/** An HTTP header name (RFC 9110 token). */
const HEADER_NAME = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;
const QUERY_PARAM = /^[A-Za-z0-9_.~-]{1,64}$/;

const custom = (message: string, input: unknown, path: PropertyKey[] = []): z.core.$ZodRawIssue => ({
  code: "custom",
  message,
  input,
  path,
});

/** A header name as requests carry it (lower-case), or undefined for text that is not one. */
const asHeaderName = (text: unknown): string | undefined =>
  typeof text === "string" && HEADER_NAME.test(text) ? text.toLowerCase() : undefined;

const PLACE_HINT = 'a body path ("alert.id", "incidents[0].id"), {"path": …} or {"header": …}';

function toLocation(input: unknown): ValueLocation | string {
  const spec = typeof input === "string" ? { path: input } : input;
  if (typeof spec !== "object" || spec === null || Array.isArray(spec) || Object.keys(spec).length !== 1) {
    return `must be ${PLACE_HINT}`;
  }
  if ("header" in spec) {
    const header = asHeaderName(spec.header);
    return header === undefined ? "header must be an HTTP header name" : { header };
  }
  if ("path" in spec && typeof spec.path === "string") {
    const path = parseJsonPath(spec.path);
    return path
      ? { path }
      : `${JSON.stringify(spec.path)} is not a body path: join member names with dots and write [n] for an array item`;
  }
  return `must be ${PLACE_HINT}`;
}

const SCHEMES = ["hmac-sha256", "bearer", "shared-secret", "basic", "query-token"] as const;

/**
 * One source's configuration as written: each scheme with its own options, nothing else allowed.
 * Built on first use (when GENERIC_WEBHOOK_SOURCES is read), not at import: every ingest function
 * loads this module, and building it cost each cold start.
 */
function buildSourceSchema() {
  const headerName = z.pipe(
    z.string(),
    z.transform((text, ctx) => {
      const name = asHeaderName(text);
      if (name !== undefined) return name;
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

  return z.discriminatedUnion("scheme", [
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
}

let built: ReturnType<typeof buildSourceSchema> | undefined;
export const sourceSchema = () => (built ??= buildSourceSchema());

export type SourceInput = z.infer<ReturnType<typeof buildSourceSchema>>;

const list = (items: readonly string[]) => items.map((s) => `\`${s}\``).join(", ");

/** zod's issues in words that say what to write instead (its own are a bare "Invalid input"). */
export function describeIssue(issue: z.core.$ZodRawIssue): string | undefined {
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
