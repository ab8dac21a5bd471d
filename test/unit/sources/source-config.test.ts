import { describe, expect, it } from "vitest";
import { DEFAULT_FIELDS } from "../../../shared/sources/default-fields";
import { parseGenericSources, SourceConfigError } from "../../../shared/sources/source-config";

const parse = (value: unknown) => parseGenericSources(JSON.stringify(value));
const one = (config: unknown) => parse({ src: config }).get("src")!;
const problem = (value: unknown) => {
  try {
    parse(value);
  } catch (error) {
    expect(error).toBeInstanceOf(SourceConfigError);
    return (error as Error).message;
  }
  throw new Error("expected the configuration to be refused");
};

describe("parseGenericSources: schemes and their defaults", () => {
  it("configures no source when the value is missing or blank", () => {
    expect(parseGenericSources(undefined).size).toBe(0);
    expect(parseGenericSources("  ").size).toBe(0);
    expect(parse({}).size).toBe(0);
  });

  it("fills hmac-sha256's header, prefix and encoding", () => {
    expect(one({ scheme: "hmac-sha256" }).scheme).toEqual({
      scheme: "hmac-sha256",
      header: "x-webhook-signature",
      prefix: "sha256=",
      encoding: "hex",
    });
    expect(
      one({ scheme: "hmac-sha256", header: "X-Grafana-Signature", prefix: "", encoding: "base64" }).scheme,
    ).toEqual({ scheme: "hmac-sha256", header: "x-grafana-signature", prefix: "", encoding: "base64" });
  });

  it("fills shared-secret's header and query-token's parameter", () => {
    expect(one({ scheme: "shared-secret" }).scheme).toEqual({
      scheme: "shared-secret",
      header: "x-webhook-secret",
    });
    expect(one({ scheme: "shared-secret", header: "X-Api-Key" }).scheme).toEqual({
      scheme: "shared-secret",
      header: "x-api-key",
    });
    expect(one({ scheme: "query-token", allow_ips: ["10.0.0.0/8"] }).scheme).toEqual({
      scheme: "query-token",
      param: "token",
    });
    expect(one({ scheme: "query-token", param: "key", allow_ips: ["10.0.0.0/8"] }).scheme).toMatchObject({
      param: "key",
    });
  });

  it("takes bearer and basic without options", () => {
    expect(one({ scheme: "bearer" }).scheme).toEqual({ scheme: "bearer" });
    expect(one({ scheme: "basic" }).scheme).toEqual({ scheme: "basic" });
  });

  it("builds the allowlist, or none", () => {
    const source = one({ scheme: "bearer", allow_ips: ["10.0.0.0/8", "2001:db8::/32"] });
    expect(source.allowIps?.allows("10.1.1.1")).toBe(true);
    expect(source.allowIps?.allows("192.0.2.1")).toBe(false);
    expect(one({ scheme: "bearer" }).allowIps).toBeUndefined();
  });

  it("uses today's field defaults where a source names none", () => {
    const source = one({ scheme: "bearer" });
    expect(source.eventType).toBe(DEFAULT_FIELDS.eventType);
    expect(source.deliveryKey).toBe(DEFAULT_FIELDS.deliveryKey);
    expect(source.identifiers).toBe(DEFAULT_FIELDS.identifiers);
  });

  it("reads places as a body path, {path}, {header} or a list of them", () => {
    const source = one({
      scheme: "bearer",
      event_type: "alert.transition",
      delivery_key: [{ header: "X-Request-Id" }, { path: "incidents[0].id" }],
      identifiers: { service: "commonLabels.service", pagerduty_service_id: ["a.b", "c"] },
    });
    expect(source.eventType).toEqual([{ path: ["alert", "transition"] }]);
    expect(source.deliveryKey).toEqual([{ header: "x-request-id" }, { path: ["incidents", 0, "id"] }]);
    // Naming identifiers replaces the defaults: a source is routed only by what it says.
    expect(source.identifiers).toEqual({
      service: [{ path: ["commonLabels", "service"] }],
      pagerduty_service_id: [{ path: ["a", "b"] }, { path: ["c"] }],
    });
  });

  it("keeps sources apart, and names like __proto__ are ordinary names", () => {
    const sources = parseGenericSources(
      '{"__proto__": {"scheme": "basic"}, "grafana": {"scheme": "hmac-sha256"}}',
    );
    expect([...sources.keys()].sort()).toEqual(["__proto__", "grafana"]);
  });
});

describe("parseGenericSources: a bad configuration names the source and the field", () => {
  it("names a CIDR that is not one", () => {
    expect(problem({ datadog: { scheme: "bearer", allow_ips: ["10.0.0.0/8", "10.0.0.300/8"] } })).toBe(
      'GENERIC_WEBHOOK_SOURCES.datadog.allow_ips[1]: "10.0.0.300/8" is not a CIDR (e.g. 203.0.113.0/24 or 2001:db8::/32)',
    );
  });

  it("requires a known scheme", () => {
    expect(problem({ a: {} })).toMatch(
      /^GENERIC_WEBHOOK_SOURCES\.a\.scheme: is required: one of `hmac-sha256`/,
    );
    expect(problem({ a: { scheme: "hmac-sha1" } })).toMatch(
      /^GENERIC_WEBHOOK_SOURCES\.a\.scheme: must be one of/,
    );
    expect(problem({ a: "bearer" })).toBe("GENERIC_WEBHOOK_SOURCES.a: must be a JSON object");
  });

  it("refuses fields a scheme does not have, typos included", () => {
    expect(problem({ a: { scheme: "bearer", prefix: "x" } })).toBe(
      "GENERIC_WEBHOOK_SOURCES.a: `prefix` is not a field of a bearer source",
    );
    expect(problem({ a: { scheme: "hmac-sha256", alow_ips: [], secret: "s" } })).toBe(
      "GENERIC_WEBHOOK_SOURCES.a: `alow_ips`, `secret` are not fields of a hmac-sha256 source",
    );
  });

  it("checks each option's form", () => {
    const message = problem({
      a: { scheme: "hmac-sha256", header: "bad header", prefix: "a,b", encoding: "base32" },
    });
    expect(message).toContain("GENERIC_WEBHOOK_SOURCES.a.header: is not an HTTP header name");
    expect(message).toContain("GENERIC_WEBHOOK_SOURCES.a.prefix: must not contain a comma");
    expect(message).toContain("GENERIC_WEBHOOK_SOURCES.a.encoding: must be one of `hex`, `base64`");
    expect(problem({ a: { scheme: "hmac-sha256", prefix: 1 } })).toBe(
      "GENERIC_WEBHOOK_SOURCES.a.prefix: must be a string",
    );
    expect(problem({ a: { scheme: "query-token", param: "a b", allow_ips: ["10.0.0.1"] } })).toMatch(
      /^GENERIC_WEBHOOK_SOURCES\.a\.param: must be a query parameter name/,
    );
    expect(problem({ a: { scheme: "bearer", allow_ips: "10.0.0.0/8" } })).toBe(
      "GENERIC_WEBHOOK_SOURCES.a.allow_ips: must be a list",
    );
    expect(problem({ a: { scheme: "bearer", allow_ips: [] } })).toBe(
      "GENERIC_WEBHOOK_SOURCES.a.allow_ips: must list at least one entry",
    );
  });

  it("requires a query-token source's allowlist, and one that does not allow everyone", () => {
    expect(problem({ jira: { scheme: "query-token" } })).toBe(
      "GENERIC_WEBHOOK_SOURCES.jira.allow_ips: is required for a query-token source: list the addresses its sender posts from",
    );
    expect(problem({ jira: { scheme: "query-token", allow_ips: ["10.0.0.0/8", "::/0"] } })).toBe(
      "GENERIC_WEBHOOK_SOURCES.jira.allow_ips[1]: ::/0 allows every address; a query-token source must list its sender's addresses",
    );
  });

  it("names places that are not paths or headers", () => {
    const message = problem({
      a: {
        scheme: "bearer",
        event_type: "a..b",
        delivery_key: [{ header: "x-id" }, { path: 3 }, { header: "x", path: "y" }],
        identifiers: { service: [] },
      },
    });
    expect(message).toContain('GENERIC_WEBHOOK_SOURCES.a.event_type: "a..b" is not a body path');
    expect(message).toContain("GENERIC_WEBHOOK_SOURCES.a.delivery_key[1]: must be a body path");
    expect(message).toContain("GENERIC_WEBHOOK_SOURCES.a.delivery_key[2]: must be a body path");
    expect(message).toContain("GENERIC_WEBHOOK_SOURCES.a.identifiers.service: must name at least one place");
    expect(problem({ a: { scheme: "bearer", event_type: { header: "not a header" } } })).toBe(
      "GENERIC_WEBHOOK_SOURCES.a.event_type: header must be an HTTP header name",
    );
  });

  it("names identifier kinds the pipeline does not have", () => {
    expect(problem({ a: { scheme: "bearer", identifiers: { servise: "x" } } })).toMatch(
      /^GENERIC_WEBHOOK_SOURCES\.a\.identifiers: `servise` is not an identifier kind: use `incidentio_team_id`/,
    );
  });

  it("never lets a credential header become an event field", () => {
    expect(problem({ a: { scheme: "shared-secret", delivery_key: { header: "X-Webhook-Secret" } } })).toBe(
      "GENERIC_WEBHOOK_SOURCES.a.delivery_key: the x-webhook-secret header carries this source's secret and cannot be an event field",
    );
    expect(problem({ a: { scheme: "bearer", identifiers: { service: { header: "authorization" } } } })).toBe(
      "GENERIC_WEBHOOK_SOURCES.a.identifiers.service: the authorization header carries this source's secret and cannot be an event field",
    );
  });

  it("names source names no URL can address", () => {
    expect(problem({ "bad.name": { scheme: "bearer" } })).toBe(
      'GENERIC_WEBHOOK_SOURCES: the source name "bad.name" cannot be addressed: use 1 to 64 letters, digits, _ or - (it is the URL\'s last segment)',
    );
  });

  it("reports every problem at once, across sources", () => {
    const message = problem({ a: { scheme: "nope" }, b: { scheme: "bearer", allow_ips: ["x"] } });
    expect(message.split("; ")).toHaveLength(2);
  });

  it("refuses text that is not a JSON object without quoting it", () => {
    expect(() => parseGenericSources('{"a": {"scheme": "bearer", oops}')).toThrow(
      /^GENERIC_WEBHOOK_SOURCES is not valid JSON \(syntax error at character \d+\)$/,
    );
    expect(() => parseGenericSources("[1]")).toThrow(
      "GENERIC_WEBHOOK_SOURCES must be a JSON object of source name → configuration",
    );
    expect(() => parseGenericSources("null")).toThrow(SourceConfigError);
  });
});
